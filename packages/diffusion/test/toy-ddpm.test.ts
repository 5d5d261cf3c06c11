import { test } from 'vitest'
import { expectLearnsEightGaussians, toyTimeout } from './toy-learning'

test(
  'DDPM (ε-prediction, cosine schedule, T = 100, ancestral sampling) learns 8 Gaussians',
  { tags: ['slow'], timeout: toyTimeout },
  async () => {
    await expectLearnsEightGaussians('ddpm')
  },
)
