"""Run one call in a forked child process while this process goes on with other work.

``build`` validates the graph (pySHACL, single-threaded, the longest stage) on the second core
while it writes the release on the first. The child inherits the loaded graph through fork,
so nothing is copied in; only the answer (or the exception) comes back, pickled over a pipe.
Where fork is unavailable, or on a single CPU, :func:`start` runs the call at once instead and
the caller's code stays the same.
"""

from __future__ import annotations

import multiprocessing
import os
import pickle
import traceback
from collections.abc import Callable
from typing import Any, Generic, TypeVar

T = TypeVar("T")


class ChildFailed(Exception):
    """The child process died without an answer (killed, out of memory) or sent an exception
    that cannot be pickled."""


def usable_cpus() -> int:
    """CPUs this process may run on (its affinity mask, not the machine's total)."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def can_fork() -> bool:
    return "fork" in multiprocessing.get_all_start_methods()


class Pending(Generic[T]):
    """The outcome of a call started with :func:`start`: ``result()`` waits for it."""

    def __init__(self, value: T | None = None, error: BaseException | None = None) -> None:
        self._value = value
        self._error = error
        self._child: Any = None
        self._receiver: Any = None
        self._done = True

    @classmethod
    def _in_child(cls, child: Any, receiver: Any) -> Pending[T]:
        pending: Pending[T] = cls()
        pending._child, pending._receiver, pending._done = child, receiver, False
        return pending

    def result(self) -> T:
        """The call's return value; its exception is raised here, in this process."""
        if not self._done:
            try:
                kind, payload = pickle.loads(self._receiver.recv_bytes())
            except EOFError:
                self._child.join()
                kind, payload = "died", self._child.exitcode
            except Exception as exc:  # an exception that pickles but does not unpickle
                kind, payload = "unpicklable", f"the background answer could not be read: {exc}"
            finally:
                self._finish()
            if kind == "ok":
                self._value = payload
            elif kind == "error":
                self._error = payload
            elif kind == "unpicklable":
                self._error = ChildFailed(payload)
            else:
                self._error = ChildFailed(
                    f"the background process ended without an answer (exit code {payload})"
                )
        if self._error is not None:
            raise self._error
        return self._value  # type: ignore[return-value]

    def cancel(self) -> None:
        """Stop the child if it still runs (the outcome is then never read)."""
        if not self._done:
            self._finish()

    def _finish(self) -> None:
        self._done = True
        if self._child.is_alive():
            self._child.kill()
        self._child.join()
        self._receiver.close()


def start(call: Callable[[], T], *, background: bool = True) -> Pending[T]:
    """Start ``call()`` in a forked child when ``background`` and fork is possible, else run
    it now. Either way the caller reads the outcome with ``result()``."""
    if not (background and can_fork()):
        try:
            return Pending(value=call())
        except Exception as exc:
            return Pending(error=exc)
    context = multiprocessing.get_context("fork")
    receiver, sender = context.Pipe(duplex=False)
    child = context.Process(target=_run_and_send, args=(call, sender), daemon=True)
    child.start()
    sender.close()
    return Pending._in_child(child, receiver)


def _run_and_send(call: Callable[[], Any], sender: Any) -> None:
    try:
        message: tuple[str, Any] = ("ok", call())
    except Exception as exc:
        message = ("error", exc)
    try:
        data = pickle.dumps(message, protocol=pickle.HIGHEST_PROTOCOL)
    except Exception as exc:  # an answer or exception that does not pickle
        detail = "".join(traceback.format_exception_only(type(exc), exc)).strip()
        data = pickle.dumps(("unpicklable", f"the background answer could not be sent: {detail}"))
    sender.send_bytes(data)
    sender.close()
