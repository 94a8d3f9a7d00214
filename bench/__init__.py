"""Benchmarks (`make bench`): the cost of the rules against bare Django, side by side."""
