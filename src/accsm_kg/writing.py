"""Atomic writes: a file is either written whole or not at all.

Every file the project writes goes through here: the content goes to a temporary file in the
same folder, is flushed to disk, then renamed over the target (an atomic step on POSIX), so
an interrupted or failed write never leaves a half-written file behind.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path


class OutputError(OSError):
    """The output path cannot be written (missing folder, not writable, disk full)."""


def check_output_path(path: Path) -> None:
    """Fail early, with a clear message, when ``path`` cannot be written."""
    folder = path.parent if str(path.parent) else Path(".")
    if not folder.exists():
        raise OutputError(f"{path}: the folder {folder} does not exist")
    if not folder.is_dir():
        raise OutputError(f"{path}: {folder} is not a folder")
    if path.is_dir():
        raise OutputError(f"{path}: is a folder, not a file")
    if not os.access(folder, os.W_OK):
        raise OutputError(f"{path}: the folder {folder} is not writable")


def atomic_write_bytes(path: Path, data: bytes) -> None:
    check_output_path(path)
    fd, temp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent or ".")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temp, path)
    except OSError as exc:
        with contextlib.suppress(OSError):
            os.unlink(temp)
        raise OutputError(f"{path}: {exc.strerror or exc}") from None


def atomic_write_text(path: Path, text: str) -> None:
    atomic_write_bytes(path, text.encode("utf-8"))
