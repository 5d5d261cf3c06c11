import { test } from 'vitest'
import { expectLearnsEightGaussians, toyTimeout } from './toy-learning'

test(
  'flow matching (straight paths, Heun with 50 steps) learns 8 Gaussians',
  { tags: ['slow'], timeout: toyTimeout },
  async () => {
    await expectLearnsEightGaussians('flow')
  },
)
