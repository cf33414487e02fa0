"""Start and stop real triple stores on free loopback ports, for the integration tests.

An Oxigraph server (the ``oxigraph`` command of the PyPI package of that name, in the test
extra) and a Virtuoso 7 (Debian's ``virtuoso-opensource-7-bin``, installed by .ci/run). Each
runs in a temporary folder of its own, listens on 127.0.0.1 only, is waited for with a bounded
wait and is stopped (terminate, then kill) however the tests end.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest

START_TIMEOUT = 60.0
STOP_TIMEOUT = 20.0


@dataclass
class Store:
    name: str
    #: Graph Store Protocol endpoint (publish --store)
    store: str
    #: SPARQL query endpoint
    query: str
    user: str | None = None
    password: str | None = None


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _missing(what: str, install: str) -> None:
    """Fail in CI (where .ci/run installs everything), skip on a developer's machine."""
    message = f"{what} is not installed: {install}"
    if os.environ.get("CI"):
        pytest.fail(message)
    pytest.skip(message)


def _wait_until_up(url: str, process: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the server exited with {process.returncode}:\n{_tail(log)}")
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return
        except (urllib.error.URLError, OSError):
            pass
        time.sleep(0.2)
    raise RuntimeError(f"no answer from {url} within {START_TIMEOUT:g} s:\n{_tail(log)}")


def _tail(log: Path, lines: int = 20) -> str:
    try:
        return "\n".join(log.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return "(no log)"


def _stop(process: subprocess.Popen) -> None:
    if process.poll() is not None:
        return
    process.terminate()
    try:
        process.wait(timeout=STOP_TIMEOUT)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=STOP_TIMEOUT)


def oxigraph_binary() -> str | None:
    beside = Path(sys.executable).parent / "oxigraph"
    return str(beside) if beside.is_file() else shutil.which("oxigraph")


@contextmanager
def oxigraph_server(folder: Path) -> Iterator[Store]:
    """``oxigraph serve`` with a store in ``folder``; the default graph is the union of all."""
    binary = oxigraph_binary()
    if binary is None:
        _missing("the oxigraph server", "pip install oxigraph (it is in the test extra)")
    port = free_port()
    log = folder / "oxigraph.log"
    with log.open("wb") as out:
        process = subprocess.Popen(
            [
                binary,
                "serve",
                "--location",
                str(folder / "store"),
                "--bind",
                f"127.0.0.1:{port}",
                "--union-default-graph",
            ],
            stdout=out,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
        )
    try:
        base = f"http://127.0.0.1:{port}"
        _wait_until_up(f"{base}/query?query=ASK%7B%7D", process, log)
        yield Store("oxigraph", f"{base}/store", f"{base}/query")
    finally:
        _stop(process)


VIRTUOSO_INI = """\
[Database]
DatabaseFile = {db}/virtuoso.db
ErrorLogFile = {db}/virtuoso.log
LockFile = {db}/virtuoso.lck
TransactionFile = {db}/virtuoso.trx
xa_persistent_file = {db}/virtuoso.pxa
ErrorLogLevel = 7
FileExtend = 200
MaxCheckpointRemap = 2000
Striping = 0
TempStorage = TempDatabase

[TempDatabase]
DatabaseFile = {db}/virtuoso-temp.db
TransactionFile = {db}/virtuoso-temp.trx
MaxCheckpointRemap = 2000
Striping = 0

[Parameters]
ServerPort = 127.0.0.1:{sql_port}
DisableUnixSocket = 1
DisableTcpSocket = 0
MaxClientConnections = 10
CheckpointInterval = 60
O_DIRECT = 0
CaseMode = 2
MaxStaticCursorRows = 5000
TempDBSize = 10
DirsAllowed = ., {db}
NumberOfBuffers = 10000
MaxDirtyBuffers = 6000
ThreadCleanupInterval = 0
ResourcesCleanupInterval = 0

[HTTPServer]
ServerPort = 127.0.0.1:{http_port}
ServerRoot = {www}
MaxClientConnections = 5
ServerThreads = 5
EnabledDavVSP = 0
MaxKeepAlives = 10
KeepAliveTimeout = 10

[SPARQL]
ResultSetMaxRows = 100000
; Virtuoso refuses a query whose *estimated* cost exceeds this many seconds before running
; it; its estimates for the saved queries' chains of OPTIONALs are absurd (even negative),
; so the check is off. The execution limit below still holds.
MaxQueryCostEstimationTime = 0
MaxQueryExecutionTime = 60
"""

VIRTUOSO_USER = "accsm-uploader"
VIRTUOSO_PASSWORD = "not-a-secret"


def virtuoso_binaries() -> tuple[str, str] | None:
    server = shutil.which("virtuoso-t")
    isql = shutil.which("isql-vt")
    return (server, isql) if server and isql else None


@contextmanager
def virtuoso_server(folder: Path) -> Iterator[Store]:
    """Virtuoso 7 with its own database in ``folder``, and an upload user.

    The user gets the SPARQL_UPDATE role, which the authenticated Graph Store endpoint
    /sparql-graph-crud-auth (Digest authentication) requires.
    """
    binaries = virtuoso_binaries()
    if binaries is None:
        _missing(
            "Virtuoso (virtuoso-t, isql-vt)",
            "apt-get install virtuoso-opensource-7-bin (.ci/run does)",
        )
    server, isql = binaries
    db, www = folder / "db", folder / "www"
    db.mkdir(parents=True)
    www.mkdir()
    sql_port, http_port = free_port(), free_port()
    ini = folder / "virtuoso.ini"
    ini.write_text(
        VIRTUOSO_INI.format(db=db, www=www, sql_port=sql_port, http_port=http_port),
        encoding="utf-8",
    )
    log = folder / "virtuoso.out"
    with log.open("wb") as out:
        process = subprocess.Popen(
            [server, "+foreground", "+configfile", str(ini)],
            cwd=folder,
            stdout=out,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
        )
    try:
        base = f"http://127.0.0.1:{http_port}"
        _wait_until_up(f"{base}/sparql?query=ASK%7B%7D", process, log)
        statements = (
            f"DB.DBA.USER_CREATE('{VIRTUOSO_USER}', '{VIRTUOSO_PASSWORD}'); "
            f'GRANT SPARQL_UPDATE TO "{VIRTUOSO_USER}";'
        )
        done = subprocess.run(
            [isql, f"127.0.0.1:{sql_port}", "dba", "dba", f"exec={statements}"],
            capture_output=True,
            text=True,
            timeout=START_TIMEOUT,
            stdin=subprocess.DEVNULL,
        )
        if done.returncode != 0 or "Error" in done.stdout + done.stderr:
            raise RuntimeError(f"isql-vt failed: {done.stdout}{done.stderr}")
        yield Store(
            "virtuoso",
            f"{base}/sparql-graph-crud-auth",
            f"{base}/sparql",
            VIRTUOSO_USER,
            VIRTUOSO_PASSWORD,
        )
    finally:
        _stop(process)
