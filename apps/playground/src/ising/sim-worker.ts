/**
 * The Ising page's CPU simulation, in a Web Worker so that sweeping a 512×512 lattice never
 * blocks the page: @gen/ising's single-spin sweeps (checkerboard Metropolis, heat bath) and
 * Wolff cluster updates on an Int8Array, one frame of spins posted back per `step`.
 */
import { key } from '@gen/core-tensor'
import {
  allUp,
  clusterWorkspace,
  createRng,
  energy,
  heatBathSweep,
  magnetisation,
  metropolisSweep,
  randomSpins,
  squareLattice,
  wolffStep,
  type ClusterWorkspace,
  type IsingModel,
  type Xoshiro128,
} from '@gen/ising'
import type { FromWorker, IsingParams, ToWorker } from './protocol.ts'

interface State {
  params: IsingParams
  model: IsingModel
  spins: Int8Array
  rng: Xoshiro128
  workspace: ClusterWorkspace
  sweeps: number
}

let state: State | null = null

const post = (message: FromWorker, transfer: Transferable[] = []) =>
  (self as unknown as Worker).postMessage(message, transfer)

function setParams(params: IsingParams): void {
  const sameLattice = state !== null && state.params.size === params.size
  const model = squareLattice(params.size, { h: params.field })
  if (state !== null && sameLattice) {
    state = { ...state, params, model }
    return
  }
  state = {
    params,
    model,
    spins: allUp(model),
    rng: createRng(key(1)),
    workspace: clusterWorkspace(model),
    sweeps: 0,
  }
}

/**
 * One "sweep" of Wolff updates: clusters until as many spins were visited as the lattice has
 * (so one frame costs about the same at every temperature, and compares with one sweep of
 * the single-spin rules in work done).
 */
function wolffSweep(s: State, beta: number): void {
  let visited = 0
  while (visited < s.model.size)
    visited += wolffStep(s.model, s.spins, { beta, rng: s.rng, workspace: s.workspace })
}

function step(sweeps: number): void {
  const s = state
  if (s === null) throw new Error('step before params')
  const beta = 1 / s.params.temperature
  for (let t = 0; t < sweeps; t++) {
    if (s.params.algorithm === 'metropolis') metropolisSweep(s.model, s.spins, { beta, rng: s.rng })
    else if (s.params.algorithm === 'heatbath') heatBathSweep(s.model, s.spins, { beta, rng: s.rng })
    else wolffSweep(s, beta)
  }
  s.sweeps += sweeps
  const n = s.model.size
  const spins = s.spins.slice()
  post(
    {
      type: 'frame',
      frame: {
        spins,
        energy: energy(s.model, s.spins) / n,
        magnetisation: magnetisation(s.model, s.spins) / n,
        sweeps: s.sweeps,
      },
    },
    [spins.buffer],
  )
}

self.addEventListener('message', (event: MessageEvent<ToWorker>) => {
  const message = event.data
  try {
    if (message.type === 'params') setParams(message.params)
    else if (message.type === 'reset') {
      if (state === null) throw new Error('reset before params')
      state.spins = message.start === 'up' ? allUp(state.model) : randomSpins(state.model, key(message.seed))
      state.rng = createRng(key(message.seed))
      state.sweeps = 0
    } else step(message.sweeps)
  } catch (error) {
    post({ type: 'error', message: error instanceof Error ? error.message : String(error) })
  }
})
