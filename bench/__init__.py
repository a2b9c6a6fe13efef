"""Benchmark scripts (run with ``python -m bench.<name>``); see docs/BENCHMARKS.md."""
