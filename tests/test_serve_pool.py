"""The query pool: a query past the limit is killed and its worker replaced, the waiting
line is capped, a crashed worker is replaced, and nothing outlives the pool."""

from __future__ import annotations

import asyncio
import os
import time
from pathlib import Path
from typing import Any

import pytest

from accsm_kg.serve.pool import Busy, QueryPool, TimedOut, WorkerDied, Zygote
from accsm_kg.serve.worker import QueryHandler


def _handler(request: dict[str, Any]) -> dict[str, Any]:
    if request.get("crash"):
        os._exit(3)
    if request.get("spin"):
        end = time.monotonic() + request["spin"]
        while time.monotonic() < end:  # burn CPU like a runaway query
            pass
    time.sleep(request.get("sleep", 0))
    return {"status": 200, "pid": os.getpid()}


def _setup() -> tuple[Any, dict[str, Any]]:
    return _handler, {"triples": 42}


def _gone(pid: int, within: float = 3.0) -> bool:
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        if not Path(f"/proc/{pid}").exists():
            return True
        time.sleep(0.02)
    return False


@pytest.fixture
def make_pool():
    pools: list[QueryPool] = []

    def make(size: int, queue: int, timeout: float, setup: Any = _setup) -> QueryPool:
        zygote = Zygote(setup)
        assert zygote.wait_ready()["triples"] == 42
        pool = QueryPool(zygote, size, queue, timeout)
        pool.start()
        pools.append(pool)
        return pool

    yield make
    for pool in pools:
        pool.close()


def test_a_query_past_the_limit_is_killed_and_replaced(make_pool) -> None:
    pool = make_pool(1, 4, 0.5)
    (old,) = pool.pids()

    async def scenario() -> dict[str, Any]:
        started = time.monotonic()
        with pytest.raises(TimedOut, match=r"time limit of 0\.5 s"):
            await pool.run({"spin": 30})
        assert time.monotonic() - started < 2
        return await pool.run({})

    reply = asyncio.run(scenario())
    assert _gone(old), "the runaway worker still exists"
    (new,) = pool.pids()
    assert new != old and reply["pid"] == new
    assert pool.stats()["stopped_at_limit"] == 1


def test_the_waiting_line_is_capped(make_pool) -> None:
    pool = make_pool(1, 1, 5)

    async def scenario() -> list[Any]:
        first = asyncio.create_task(pool.run({"sleep": 0.5}))
        await asyncio.sleep(0.05)
        second = asyncio.create_task(pool.run({}))
        await asyncio.sleep(0.05)
        started = time.monotonic()
        with pytest.raises(Busy, match="busy"):
            await pool.run({})
        assert time.monotonic() - started < 0.2  # refused at once, not after waiting
        return [await first, await second]

    first, second = asyncio.run(scenario())
    assert first["status"] == second["status"] == 200


def test_waiting_for_a_worker_past_the_limit_is_busy(make_pool) -> None:
    pool = make_pool(1, 4, 0.4)

    async def scenario() -> None:
        runaways = []
        for _ in range(2):  # the second takes the worker the limit frees from the first
            runaways.append(asyncio.create_task(pool.run({"sleep": 30})))
            await asyncio.sleep(0.15)
        started = time.monotonic()
        with pytest.raises(Busy, match=r"no query worker became free within 0\.4 s"):
            await pool.run({})
        assert 0.3 < time.monotonic() - started < 1.5
        for runaway in runaways:
            with pytest.raises(TimedOut):
                await runaway

    asyncio.run(scenario())


def test_a_crashed_worker_is_replaced(make_pool) -> None:
    pool = make_pool(2, 4, 5)

    async def scenario() -> list[dict[str, Any]]:
        with pytest.raises(WorkerDied):
            await pool.run({"crash": True})
        return [await pool.run({}) for _ in range(4)]

    replies = asyncio.run(scenario())
    assert {r["status"] for r in replies} == {200}
    assert len(pool.pids()) == 2


def test_nothing_outlives_the_pool(make_pool) -> None:
    pool = make_pool(2, 4, 5)
    pids = [*pool.pids(), pool.zygote.pid]
    pool.close()
    assert all(_gone(pid) for pid in pids)


class _Hungry(QueryHandler):
    """A query handler whose 'query' allocates the megabytes it is asked for."""

    def __init__(self) -> None:  # no store: only the memory cap is under test
        self.max_memory_mb = 200

    def sparql(self, request: dict[str, Any]) -> dict[str, Any]:
        block = bytearray(request["mb"] << 20)
        return {"status": 200, "size": len(block)}


def test_a_query_over_the_memory_cap_is_stopped(make_pool) -> None:
    pool = make_pool(1, 4, 10, setup=lambda: (_Hungry(), {"triples": 42}))

    async def scenario() -> list[dict[str, Any]]:
        return [await pool.run({"op": "sparql", "mb": mb}) for mb in (50, 1000, 50)]

    small, big, again = asyncio.run(scenario())
    assert small == again == {"status": 200, "size": 50 << 20}
    assert big["status"] == 503 and "more memory" in big["message"]
