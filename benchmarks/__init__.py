"""Benchmarks of lngswap by phase (build, hand-over, HiGHS, load-back) at several sizes."""
