// Gaussian-Bernoulli RBMs, parallel-tempering chains, deep belief networks and inpainting.
export {}
