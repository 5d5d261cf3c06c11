// Partition functions and likelihoods: annealed importance sampling and test log-likelihoods.
export {}
