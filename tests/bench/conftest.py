"""`make test` runs bench/'s fast tests only: a test marked `@pytest.mark.bench` runs a
benchmark for real (seconds to minutes) and is skipped unless asked for, with
`TMVERIFY_BENCH=1` or a `-m` expression naming it (`pytest -m bench tests/bench`)."""

import os

import pytest


def _asked_for(config) -> bool:
    return os.environ.get("TMVERIFY_BENCH") == "1" or "bench" in (config.getoption("markexpr") or "")


def pytest_runtest_setup(item):
    if item.get_closest_marker("bench") and not _asked_for(item.config):
        pytest.skip("a benchmark run: TMVERIFY_BENCH=1 or -m bench runs it")
