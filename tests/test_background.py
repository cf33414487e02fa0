"""background.start: a call in a forked child, its answer or its exception back in the parent."""

from __future__ import annotations

import os
import signal

import pytest

from accsm_kg import background
from accsm_kg.background import ChildFailed


class CustomError(Exception):
    pass


def _pid_and_value() -> tuple[int, str]:
    return os.getpid(), "answer"


def _raises() -> None:
    raise CustomError("went wrong in the child")


def _dies() -> None:
    os.kill(os.getpid(), signal.SIGKILL)


def _unpicklable() -> object:
    return lambda: None


@pytest.mark.parametrize("aside", [True, False], ids=["in-a-child", "inline"])
def test_the_answer_comes_back(aside: bool) -> None:
    pid, value = background.start(_pid_and_value, background=aside).result()
    assert value == "answer"
    assert (pid != os.getpid()) is aside


@pytest.mark.parametrize("aside", [True, False], ids=["in-a-child", "inline"])
def test_the_exception_is_raised_in_the_parent_with_its_type(aside: bool) -> None:
    pending = background.start(_raises, background=aside)
    with pytest.raises(CustomError, match="went wrong in the child"):
        pending.result()


def test_a_child_that_dies_is_a_clear_error() -> None:
    with pytest.raises(ChildFailed, match="ended without an answer"):
        background.start(_dies).result()


def test_an_answer_that_cannot_be_sent_is_a_clear_error() -> None:
    with pytest.raises(ChildFailed, match="could not be sent"):
        background.start(_unpicklable).result()


def test_cancel_stops_the_child() -> None:
    pending = background.start(lambda: __import__("time").sleep(60))
    child = pending._child
    assert child.is_alive()
    pending.cancel()
    assert not child.is_alive()


def test_usable_cpus_is_the_affinity_mask() -> None:
    assert 1 <= background.usable_cpus() <= (os.cpu_count() or 1)
