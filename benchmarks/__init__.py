"""Benchmarks: load and timing checks run by hand, never as timed unit tests."""
