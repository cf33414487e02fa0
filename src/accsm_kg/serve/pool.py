"""A pool of query worker processes that can be killed at a time limit.

Neither pyoxigraph nor rdflib can cancel a running query from Python, so every query runs in
a worker process, and a query past its limit is stopped by killing its worker with SIGKILL —
that really frees the CPU — and forking a fresh one in its place.

The server never forks once it serves (forking a process with threads risks deadlocks in the
child). Instead, before the server starts, it forks one *zygote*: a single-threaded process
that loads the Oxigraph store once and then forks every worker on request. Workers share the
store's memory with the zygote (copy on write). Each worker is connected to the server by its
own socket pair; the zygote hands the server's end over with SCM_RIGHTS. The zygote ignores
SIGCHLD, so a killed worker is reaped at once and its pid disappears. Every child asks the
kernel to kill it when its parent dies (PR_SET_PDEATHSIG), so nothing outlives the server.
"""

from __future__ import annotations

import asyncio
import contextlib
import ctypes
import os
import pickle
import signal
import socket
import struct
import sys
import threading
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

_HEADER = struct.Struct("!Q")
_PR_SET_PDEATHSIG = 1
_MAX_MESSAGE = 1 << 32

#: What a worker runs for each request: request dict in, reply dict out.
Handler = Callable[[dict[str, Any]], dict[str, Any]]


class PoolError(Exception):
    """The pool could not answer: busy, timed out, or a worker died."""


class Busy(PoolError):
    """Every worker is busy and the waiting line is full (or waited too long)."""


class TimedOut(PoolError):
    """The query ran past its time limit; its worker was killed."""


class WorkerDied(PoolError):
    """The worker ended without answering (out of memory, a crash in native code)."""


# --------------------------------------------------------------------------- framing


def _send(sock: socket.socket, message: Any) -> None:
    data = pickle.dumps(message, protocol=pickle.HIGHEST_PROTOCOL)
    sock.sendall(_HEADER.pack(len(data)) + data)


def _recv_exactly(sock: socket.socket, size: int) -> bytes:
    chunks, left = [], size
    while left:
        chunk = sock.recv(min(left, 1 << 20))
        if not chunk:
            raise EOFError("the other end closed the connection")
        chunks.append(chunk)
        left -= len(chunk)
    return b"".join(chunks)


def _recv(sock: socket.socket) -> Any:
    (size,) = _HEADER.unpack(_recv_exactly(sock, _HEADER.size))
    if size > _MAX_MESSAGE:
        raise EOFError("message too large")
    return pickle.loads(_recv_exactly(sock, size))


async def _async_recv_exactly(
    loop: asyncio.AbstractEventLoop, sock: socket.socket, size: int
) -> bytes:
    buffer = bytearray(size)
    view, got = memoryview(buffer), 0
    while got < size:
        n = await loop.sock_recv_into(sock, view[got:])
        if n == 0:
            raise EOFError("the worker closed the connection")
        got += n
    return bytes(buffer)


# --------------------------------------------------------------------------- child side


def _die_with_parent() -> None:
    """Ask the kernel to SIGKILL this process when its parent ends (Linux only)."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(_PR_SET_PDEATHSIG, int(signal.SIGKILL), 0, 0, 0)
    except (OSError, AttributeError):  # not Linux: children end when their socket closes
        return
    if os.getppid() == 1:  # the parent ended before prctl took effect
        os._exit(0)


def _child_signals() -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C goes to the server, which ends us
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    signal.signal(signal.SIGCHLD, signal.SIG_DFL)


def _worker_loop(sock: socket.socket, handler: Handler) -> None:
    start = getattr(handler, "in_worker", None)
    if start is not None:
        start()
    while True:
        try:
            request = _recv(sock)
        except (EOFError, OSError):
            return
        try:
            reply = handler(request)
        except Exception as exc:  # the handler answers errors itself; this is a last resort
            reply = {"status": 500, "message": f"internal error: {type(exc).__name__}: {exc}"}
        _send(sock, reply)


def _zygote_loop(
    control: socket.socket, setup: Callable[[], tuple[Handler, dict[str, Any]]]
) -> None:
    """Load once, report ready, then fork a worker each time the server asks."""
    _die_with_parent()
    _child_signals()
    try:
        handler, info = setup()
    except BaseException as exc:
        _send(control, {"ready": False, "message": f"{type(exc).__name__}: {exc}"})
        return
    signal.signal(signal.SIGCHLD, signal.SIG_IGN)  # killed workers are reaped by the kernel
    _send(control, {"ready": True, **info})
    while True:
        try:
            request = control.recv(1)
        except OSError:
            return
        if not request:
            return
        ours, theirs = socket.socketpair()
        pid = os.fork()
        if pid == 0:
            try:
                control.close()
                theirs.close()
                _die_with_parent()
                signal.signal(signal.SIGCHLD, signal.SIG_DFL)
                _worker_loop(ours, handler)
            finally:
                os._exit(0)
        ours.close()
        socket.send_fds(control, [_HEADER.pack(pid)], [theirs.fileno()])
        theirs.close()


# --------------------------------------------------------------------------- server side


@dataclass
class Worker:
    pid: int
    sock: socket.socket

    def kill(self) -> None:
        with contextlib.suppress(ProcessLookupError):
            os.kill(self.pid, signal.SIGKILL)
        self.sock.close()


class Zygote:
    """The process that holds the store and forks workers; start it before any thread."""

    def __init__(self, setup: Callable[[], tuple[Handler, dict[str, Any]]]) -> None:
        ours, theirs = socket.socketpair()
        sys.stdout.flush()
        sys.stderr.flush()
        pid = os.fork()
        if pid == 0:
            try:
                ours.close()
                _zygote_loop(theirs, setup)
            finally:
                os._exit(0)
        theirs.close()
        self.pid = pid
        self._control = ours
        self._lock = threading.Lock()
        self.info: dict[str, Any] = {}

    def wait_ready(self) -> dict[str, Any]:
        """Block until the zygote has loaded the store; its info (e.g. the triple count)."""
        try:
            message = _recv(self._control)
        except EOFError:
            raise PoolError("the query process ended while loading the graph") from None
        if not message.get("ready"):
            raise PoolError(f"the query process could not load the graph: {message.get('message')}")
        self.info = message
        return message

    def spawn(self) -> Worker:
        """A new worker (blocking for the few milliseconds a fork takes)."""
        with self._lock:
            try:
                self._control.sendall(b"F")
                data, fds, _, _ = socket.recv_fds(self._control, _HEADER.size, 1)
            except OSError as exc:
                raise PoolError(f"cannot start a query worker: {exc}") from None
            if len(data) != _HEADER.size or len(fds) != 1:
                for fd in fds:
                    os.close(fd)
                raise PoolError("the query process did not start a worker")
        (pid,) = _HEADER.unpack(data)
        sock = socket.socket(fileno=fds[0])
        sock.setblocking(False)
        return Worker(pid, sock)

    def close(self) -> None:
        self._control.close()  # the zygote reads EOF and exits; its workers die with it
        with contextlib.suppress(ProcessLookupError):
            os.kill(self.pid, signal.SIGTERM)
        with contextlib.suppress(ChildProcessError):
            os.waitpid(self.pid, 0)


class QueryPool:
    """At most ``size`` queries run at once; up to ``queue`` more wait for a worker.

    ``run`` sends a request to an idle worker and waits at most ``timeout`` seconds for the
    reply, then kills the worker and starts another. A request that finds the line full, or
    waits longer than ``timeout`` for a worker, gets Busy.
    """

    def __init__(self, zygote: Zygote, size: int, queue: int, timeout: float) -> None:
        self.zygote = zygote
        self.size = size
        self.queue = queue
        self.timeout = timeout
        self.workers: dict[int, Worker] = {}
        self._idle: list[Worker] = []
        self._waiters: deque[asyncio.Future[Worker]] = deque()
        self.running = 0
        self.killed = 0
        self.lost = 0

    def start(self) -> None:
        """Start the workers (before the event loop runs)."""
        for _ in range(self.size):
            worker = self.zygote.spawn()
            self.workers[worker.pid] = worker
            self._idle.append(worker)

    def stats(self) -> dict[str, int]:
        return {
            "workers": self.size,
            "lost": self.lost,
            "running": self.running,
            "waiting": len(self._waiters),
            "queue": self.queue,
            "stopped_at_limit": self.killed,
        }

    def pids(self) -> list[int]:
        return sorted(self.workers)

    async def _acquire(self) -> Worker:
        if self._idle and not self._waiters:
            return self._idle.pop()
        if len(self._waiters) >= self.queue:
            raise Busy(
                f"the server is busy: {self.size} queries are running and {self.queue} are "
                "waiting; try again shortly"
            )
        future: asyncio.Future[Worker] = asyncio.get_running_loop().create_future()
        self._waiters.append(future)
        try:
            return await asyncio.wait_for(asyncio.shield(future), self.timeout)
        except (TimeoutError, asyncio.CancelledError) as exc:
            if future.done() and not future.cancelled():
                self._release(future.result())  # handed over just as we gave up: pass it on
            else:
                future.cancel()
            with contextlib.suppress(ValueError):
                self._waiters.remove(future)
            if isinstance(exc, asyncio.CancelledError):
                raise
            raise Busy(
                f"the server is busy: no query worker became free within {self.timeout:g} s"
            ) from None

    def _release(self, worker: Worker) -> None:
        while self._waiters:
            future = self._waiters.popleft()
            if not future.done():
                future.set_result(worker)
                return
        self._idle.append(worker)

    async def _replace(self, worker: Worker) -> None:
        worker.kill()
        self.workers.pop(worker.pid, None)
        try:
            fresh = await asyncio.to_thread(self.zygote.spawn)
        except PoolError:
            self.lost += 1  # the zygote is gone: the pool shrinks, /health says so
            raise
        self.workers[fresh.pid] = fresh
        self._release(fresh)

    async def _call(self, worker: Worker, request: dict[str, Any]) -> dict[str, Any]:
        loop = asyncio.get_running_loop()
        data = pickle.dumps(request, protocol=pickle.HIGHEST_PROTOCOL)
        await loop.sock_sendall(worker.sock, _HEADER.pack(len(data)) + data)
        (size,) = _HEADER.unpack(await _async_recv_exactly(loop, worker.sock, _HEADER.size))
        if size > _MAX_MESSAGE:
            raise EOFError("reply too large")
        return pickle.loads(await _async_recv_exactly(loop, worker.sock, size))

    async def run(self, request: dict[str, Any]) -> dict[str, Any]:
        worker = await self._acquire()
        self.running += 1
        try:
            reply = await asyncio.wait_for(self._call(worker, request), self.timeout)
        except TimeoutError:
            self.killed += 1
            await self._replace(worker)
            raise TimedOut(
                f"the query ran longer than the time limit of {self.timeout:g} s and was stopped"
            ) from None
        except (EOFError, OSError, pickle.UnpicklingError):
            await self._replace(worker)
            raise WorkerDied(
                "the query worker ended without an answer (out of memory?); it was replaced"
            ) from None
        except asyncio.CancelledError:
            await asyncio.shield(self._replace(worker))  # its state is unknown: start afresh
            raise
        finally:
            self.running -= 1
        self._release(worker)
        return reply

    def close(self) -> None:
        for worker in list(self.workers.values()):
            worker.kill()
        self.workers.clear()
        self.zygote.close()
