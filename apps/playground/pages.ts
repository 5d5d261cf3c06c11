/** The playground's pages: the build's inputs, the home page's links and the tests' list. */
export interface PageEntry {
  /** Short id, also the rollup input name. */
  readonly id: string
  /** The HTML file, relative to the app root. */
  readonly file: string
  /** Title in the navigation. */
  readonly title: string
  /** One line for the home page. */
  readonly blurb: string
}

/** Every demo page, in the order the home page lists them. */
export const DEMOS: readonly PageEntry[] = [
  {
    id: 'ising',
    file: 'ising.html',
    title: 'Ising model',
    blurb:
      'A live 2-D Ising lattice: Metropolis, heat bath or Wolff, energy and magnetisation against Onsager.',
  },
  {
    id: 'hopfield',
    file: 'hopfield.html',
    title: 'Hopfield network',
    blurb:
      'Store digits, corrupt one, watch asynchronous recall lower the energy; see recall fail near 0.14 N.',
  },
  {
    id: 'cnn',
    file: 'cnn.html',
    title: 'CNN',
    blurb:
      'Draw a digit: the shipped LeNet-5 classifies it on the chosen backend; its C1 and C3 feature maps, and the receptive field of a clicked unit.',
  },
  {
    id: 'rbm',
    file: 'rbm.html',
    title: 'RBM',
    blurb:
      'Gibbs chains of a shipped MNIST RBM (PCD-1 or CD-1) turning coin flips into digits, and its hidden units’ filters.',
  },
  {
    id: 'vae',
    file: 'vae.html',
    title: 'VAE',
    blurb:
      'A 2-D latent space to click and decode, and linear and spherical interpolation between two encoded digits.',
  },
  {
    id: 'flow',
    file: 'flow.html',
    title: 'Flow matching',
    blurb:
      'Train a small velocity net on 8 Gaussians or two moons in a Web Worker, then watch noise flow to data along its paths.',
  },
  {
    id: 'ddim',
    file: 'ddim.html',
    title: 'DDIM',
    blurb:
      'A class-conditional diffusion net on 8 Gaussians: DDIM sampling played step by step with its noise level, a step-count slider and classifier-free guidance.',
  },
  {
    id: 'text',
    file: 'text.html',
    title: 'Text diffusion',
    blurb:
      'A masked diffusion language model trained in the page on a toy grammar: watch eight masks turn into a sentence, several tokens per step.',
  },
]

/** The home page and every demo. */
export const PAGES: readonly PageEntry[] = [
  { id: 'index', file: 'index.html', title: 'gen playground', blurb: 'The demos.' },
  ...DEMOS,
]
