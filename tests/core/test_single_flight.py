"""single_flight: one holder per key, released after the run, even when the run fails."""

import pytest

from maillage.core.single_flight import single_flight


def test_a_second_run_with_the_same_key_is_refused_until_the_first_ends():
    with single_flight("run:1", seconds=60) as first:
        assert first
        with single_flight("run:1", seconds=60) as second:
            assert not second
        with single_flight("run:2", seconds=60) as other_key:
            assert other_key
    with single_flight("run:1", seconds=60) as after:
        assert after


def test_the_key_is_released_when_the_run_raises():
    with pytest.raises(RuntimeError), single_flight("run:3", seconds=60):
        raise RuntimeError("solver crashed")
    with single_flight("run:3", seconds=60) as again:
        assert again


def test_a_refused_run_does_not_release_the_holders_key():
    with single_flight("run:4", seconds=60) as first:
        assert first
        with single_flight("run:4", seconds=60) as second:
            assert not second
        with single_flight("run:4", seconds=60) as third:
            assert not third
