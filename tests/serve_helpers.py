"""Start the real ``accsm-kg serve`` as a subprocess on a free loopback port (for tests)."""

from __future__ import annotations

import os
import queue
import re
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

STARTUP = re.compile(r"listening on (http://127\.0\.0\.1:\d+)/ — (\d+) triples")


def children(pid: int) -> list[int]:
    """The processes whose parent is ``pid``."""
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue
        if int(fields[1]) == pid:
            found.append(int(stat.parent.name))
    return sorted(found)


def cpu_ticks(pid: int) -> int | None:
    """User plus system CPU time of ``pid`` in clock ticks; None when it is gone."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return int(fields[11]) + int(fields[12])


def gone(pid: int, within: float = 5.0) -> bool:
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        if cpu_ticks(pid) is None:
            return True
        time.sleep(0.02)
    return False


class ServerProcess:
    """``accsm-kg serve --port 0 ARGS…``; ``url`` and ``triples`` come from its startup line."""

    def __init__(self, *args: str, startup_timeout: float = 60.0) -> None:
        env = {**os.environ, "PYTHONUNBUFFERED": "1"}
        self.process = subprocess.Popen(
            [sys.executable, "-m", "accsm_kg", "serve", "--port", "0", *args],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            encoding="utf-8",
            env=env,
        )
        self.stdout: queue.Queue[str] = queue.Queue()
        self.stderr: list[str] = []
        threading.Thread(target=self._drain_out, daemon=True).start()
        threading.Thread(target=self._drain_err, daemon=True).start()
        try:
            self.startup_line = self.stdout.get(timeout=startup_timeout)
        except queue.Empty:
            self.stop()
            raise RuntimeError("the server did not start: " + "".join(self.stderr)) from None
        found = STARTUP.search(self.startup_line)
        if not found:
            self.stop()
            raise RuntimeError(f"unexpected startup line: {self.startup_line!r}")
        self.url = found.group(1)
        self.triples = int(found.group(2))

    def _drain_out(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            self.stdout.put(line)

    def _drain_err(self) -> None:
        assert self.process.stderr is not None
        for line in self.process.stderr:
            self.stderr.append(line)

    @property
    def zygote(self) -> int:
        (pid,) = children(self.process.pid)
        return pid

    def workers(self) -> list[int]:
        return children(self.zygote)

    def stop(self) -> int:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(5)
        return self.process.returncode
