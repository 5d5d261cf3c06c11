/**
 * The frame every page shares: the navigation, the backend selector and the backend badge.
 * The badge carries `data-backend` so that tests (and curious users) can read which backend
 * the page really runs on; `window.genPage` gives the same to scripts.
 */
import { DEMOS } from '../../pages.ts'
import { BACKEND_REQUESTS, requestedBackend, startBackend, type ActiveBackend } from './backend.ts'
import './style.css'

/** What `window.genPage` holds once the page has started. */
export interface PageState {
  backend: string
  adapter: string
  software: boolean
  /** Set by the demo once it has drawn its first frame. */
  ready: boolean
}

declare global {
  interface Window {
    genPage?: PageState
  }
}

/** Looks up an element that the page's HTML must contain. */
export function byId<TElement extends HTMLElement = HTMLElement>(id: string): TElement {
  const element = document.getElementById(id)
  if (element === null) throw new Error(`the page has no element #${id}`)
  return element as TElement
}

/** Builds the header (navigation and backend selector) into `#gen-header`. */
function renderHeader(active: ActiveBackend | null): void {
  const header = byId('gen-header')
  const current = location.pathname.split('/').pop() ?? ''
  const links = [{ file: 'index.html', title: 'Home' }, ...DEMOS]
    .map(
      (p) =>
        `<a href="./${p.file}${location.search}"${p.file === current ? ' aria-current="page"' : ''}>${p.title}</a>`,
    )
    .join('')
  const options = BACKEND_REQUESTS.map((r) => `<option value="${r}">${r}</option>`).join('')
  header.innerHTML = `<nav>${links}</nav>
    <label class="backend">backend <select id="backend-select">${options}</select>
    <span id="backend" data-backend="">starting…</span></label>`
  const select = byId<HTMLSelectElement>('backend-select')
  select.value = requestedBackend()
  select.addEventListener('change', () => {
    const params = new URLSearchParams(location.search)
    params.set('backend', select.value)
    location.search = params.toString()
  })
  if (active !== null) showBackend(active)
}

function showBackend(active: ActiveBackend): void {
  const badge = byId('backend')
  badge.dataset.backend = active.name
  badge.textContent = `${active.name} · ${active.adapter}${active.software ? ' (software)' : ''}`
  badge.title = active.notes.length > 0 ? `not started: ${active.notes.join('; ')}` : ''
}

/**
 * Starts a page: header, backend, then the demo.
 *
 * @param demo - draws the demo on the started backend; resolves once the first frame is drawn
 */
export async function startPage(demo: (active: ActiveBackend) => Promise<void>): Promise<void> {
  renderHeader(null)
  const active = await startBackend(requestedBackend())
  showBackend(active)
  const state: PageState = {
    backend: active.name,
    adapter: active.adapter,
    software: active.software,
    ready: false,
  }
  window.genPage = state
  await demo(active)
  state.ready = true
}
