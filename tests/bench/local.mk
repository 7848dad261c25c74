# tests/bench/: benchmarks (make bench). Figures, never timed tests.
