"""Demo data: the NTT+ setting for `make run`, and larger generated sets for benchmarks."""
