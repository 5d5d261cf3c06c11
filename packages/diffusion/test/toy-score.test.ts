import { test } from 'vitest'
import { expectLearnsEightGaussians, toyTimeout } from './toy-learning'

test(
  'NCSN score matching (12 levels from 2 to 0.01, annealed Langevin) learns 8 Gaussians',
  { tags: ['slow'], timeout: toyTimeout },
  async () => {
    await expectLearnsEightGaussians('score')
  },
)
