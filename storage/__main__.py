"""Command line: ``python -m storage demo|findings|export|backup|restore|purge``.

python -m storage demo    [--db PATH] [--responses N] [--scenario S] [--seed N]
python -m storage findings --programme ID [--db PATH] [--json]
python -m storage export  --programme ID --out DIR [--db PATH]
python -m storage backup  PATH [--db PATH] [--overwrite]
python -m storage restore BACKUP [--db PATH]          (stop the app first)
python -m storage purge   [--db PATH] [--today YYYY-MM-DD] [--dry-run]

The database is ``--db``, else ``PULSE_DB``, else ``data/pulse.db``. Every
refusal prints one clear line on stderr and exits with status 1 (argument
mistakes: 2); nothing is written then.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from datetime import date
from pathlib import Path

from rendering import csv_files
from storage import aggregates
from storage.backup import BackupError, backup_file, restore
from storage.db import database_path, open_store
from storage.demo import DEMO_NAME, DEMO_SEED, build_demo, build_synthetic
from storage.export import ExportError, export_programme
from storage.programmes import get_programme
from storage.retention import apply_retention
from survey import findings
from survey.scenarios import SCENARIOS


class CommandError(Exception):
    """A refusal to report on stderr."""


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        return _run(args)
    except (CommandError, ExportError, BackupError, ValueError) as problem:
        print(f"error: {problem}", file=sys.stderr)
        return 1


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m storage")
    commands = parser.add_subparsers(dest="command", required=True)

    def with_db(sub: argparse.ArgumentParser) -> argparse.ArgumentParser:
        sub.add_argument(
            "--db", type=Path, default=None, help="default: PULSE_DB or data/pulse.db"
        )
        return sub

    demo = with_db(
        commands.add_parser(
            "demo",
            help="build the demo programme (and optionally N synthetic responses)",
        )
    )
    demo.add_argument(
        "--responses", type=int, default=0, help="synthetic responses to add"
    )
    demo.add_argument(
        "--scenario",
        choices=SCENARIOS,
        default="story",
        help="the known truth behind the answers (default: story)",
    )
    demo.add_argument(
        "--seed", type=int, default=DEMO_SEED, help=f"default {DEMO_SEED}"
    )
    found = with_db(
        commands.add_parser(
            "findings",
            help="every reading the Trends page and the report show for a programme",
        )
    )
    found.add_argument("--programme", type=int, required=True, help="programme id")
    found.add_argument("--json", action="store_true", help="one JSON array of readings")
    export = with_db(
        commands.add_parser(
            "export",
            help="write aggregates.csv and answers.csv of a programme's closed pulses",
        )
    )
    export.add_argument("--programme", type=int, required=True, help="programme id")
    export.add_argument(
        "--out", type=Path, required=True, help="folder (created if missing)"
    )
    backup = with_db(
        commands.add_parser(
            "backup", help="consistent copy of the database (safe while in use)"
        )
    )
    backup.add_argument("path", type=Path, help="backup file, or a folder for one")
    backup.add_argument(
        "--overwrite", action="store_true", help="replace an existing backup file"
    )
    restore_cmd = with_db(
        commands.add_parser(
            "restore",
            help="replace the database with a backup (stop the app first); the "
            "old file is kept as <db>.before-restore",
        )
    )
    restore_cmd.add_argument("backup", type=Path, help="backup file to restore")
    purge = with_db(
        commands.add_parser(
            "purge",
            help="delete answers and comments of programmes past their retention",
        )
    )
    purge.add_argument(
        "--today",
        type=_iso_date,
        default=None,
        help="treat this date (YYYY-MM-DD) as today",
    )
    purge.add_argument(
        "--dry-run", action="store_true", help="report what would go, delete nothing"
    )
    return parser


def _run(args: argparse.Namespace) -> int:
    path: Path = args.db or database_path()
    if args.command == "demo":
        started = time.perf_counter()
        store = open_store(path)
        default = args.scenario == "story" and args.seed == DEMO_SEED
        name = DEMO_NAME if default else f"Demo: {args.scenario}, seed {args.seed}"
        try:
            programme_id = build_demo(
                store, seed=args.seed, name=name, scenario=args.scenario
            )
            if args.responses:
                build_synthetic(store, args.responses)
        finally:
            store.close()
        elapsed = time.perf_counter() - started
        print(
            f"Demo ({args.scenario}, seed {args.seed}) written to {path} as "
            f"programme {programme_id} "
            f"(+{args.responses:,} synthetic responses) in {elapsed:.1f} s"
        )
    elif args.command == "findings":
        store = open_store(_existing(path))
        try:
            # A clear refusal if absent; the sentences follow its language.
            language = get_programme(store, args.programme).language
            result = aggregates.trends(store, args.programme, language)
        finally:
            store.close()
        if args.json:
            print(json.dumps(findings.findings_json(result), ensure_ascii=False))
        else:
            for reading in result.readings:
                print(f"[{reading.kind}: {reading.claim}] {reading.text}")
    elif args.command == "export":
        with open_store(_existing(path)) as store:
            made = export_programme(store, args.programme)
        written = csv_files.write_files(made, args.out)
        print("Wrote " + " and ".join(str(p) for p in written))
    elif args.command == "backup":
        written = backup_file(path, args.path, overwrite=args.overwrite)
        print(f"Backup of {path} written to {written}")
    elif args.command == "restore":
        report = restore(args.backup, path)
        kept = (
            f"; the old database is kept as {report.previous}"
            if report.previous
            else ""
        )
        print(
            f"Restored {args.backup} to {report.target} "
            f"({report.responses:,} responses){kept}"
        )
    elif args.command == "purge":
        store = open_store(_existing(path))
        try:
            print(apply_retention(store, args.today, dry_run=args.dry_run).summary())
        finally:
            store.close()
    return 0


def _existing(path: Path) -> Path:
    """Refuse to create an empty database by accident (a mistyped --db)."""
    if not path.is_file():
        raise CommandError(f"No database at {path}.")
    return path


def _iso_date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"{text!r} is not a date like 2026-09-30"
        ) from None


if __name__ == "__main__":
    sys.exit(main())
