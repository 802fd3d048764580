"""Command line: ``python -m storage demo|…``.

python -m storage demo [--db PATH] [--responses N]
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from storage.db import database_path, open_store
from storage.demo import build_demo, build_synthetic


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m storage")
    commands = parser.add_subparsers(dest="command", required=True)
    demo = commands.add_parser(
        "demo", help="build the demo programme (and optionally N synthetic responses)"
    )
    demo.add_argument(
        "--db", type=Path, default=None, help="default: PULSE_DB or data/pulse.db"
    )
    demo.add_argument(
        "--responses", type=int, default=0, help="synthetic responses to add"
    )
    args = parser.parse_args(argv)

    if args.command == "demo":
        path = args.db or database_path()
        started = time.perf_counter()
        store = open_store(path)
        build_demo(store)
        if args.responses:
            build_synthetic(store, args.responses)
        store.close()
        elapsed = time.perf_counter() - started
        print(
            f"Demo written to {path} "
            f"(+{args.responses:,} synthetic responses) in {elapsed:.1f} s"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
