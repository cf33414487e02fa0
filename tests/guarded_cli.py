"""Run the accsm-kg CLI under an audit hook that records every file opened and every socket
connection attempted, so a test can prove that nothing was fetched from the network and no
file outside the given inputs was read.

Usage: python guarded_cli.py REPORT.json -- accsm-kg arguments…
"""

from __future__ import annotations

import atexit
import json
import sys

report_path = sys.argv[1]
assert sys.argv[2] == "--"
argv = sys.argv[3:]
seen: dict[str, list[str]] = {"open": [], "connect": [], "urlopen": []}


def hook(event: str, args: tuple) -> None:
    if event == "open" and args and isinstance(args[0], str | bytes):
        seen["open"].append(str(args[0]))
    elif event == "socket.connect":
        seen["connect"].append(repr(args[1]) if len(args) > 1 else repr(args))
    elif event == "urllib.Request":
        seen["urlopen"].append(str(args[0]))


def save() -> None:
    try:
        with open(report_path, "w", encoding="utf-8") as handle:
            json.dump(seen, handle)
    except OSError:  # e.g. under the file-size limit of a full-disk test
        pass


atexit.register(save)
sys.addaudithook(hook)

from accsm_kg.cli import main  # noqa: E402

code = main(argv)
save()
sys.exit(code)
