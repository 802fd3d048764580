"""Refresh the catalogues after code changes: ``python locale/update_catalogues.py``.

1. ``pybabel extract`` (config ``babel.cfg``) writes ``locale/messages.pot``;
2. ``pybabel update`` merges it into ``cy`` and ``en``: new strings arrive
   untranslated, changed ones marked fuzzy, so the completeness test
   (tests/test_i18n.py) fails until a person translates them;
3. the English catalogue's new entries are filled with their msgid (English is
   the source language; editing an English msgstr rewords the app without a
   code change).

No location comments are written: line numbers would change the files on
every code edit and make merges noisy; search the code for the msgid instead.
"""

from __future__ import annotations

import sys
from pathlib import Path

from babel.messages.frontend import CommandLineInterface
from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parents[1]
LOCALE = ROOT / "locale"
POT = LOCALE / "messages.pot"


def pybabel(*args: str) -> None:
    CommandLineInterface().run(["pybabel", "-q", *args])


def fill_english(path: Path) -> None:
    with path.open("rb") as po:
        catalog = read_po(po, locale="en")
    for message in catalog:
        if message.id and not message.string:
            message.string = message.id
        if message.id and message.fuzzy:
            message.string = message.id
            message.flags.discard("fuzzy")
    with path.open("wb") as po:
        write_po(po, catalog, width=88, omit_header=False)


def main() -> None:
    pybabel(
        "extract", "-F", str(ROOT / "babel.cfg"), "-o", str(POT),
        "--no-location", "--sort-output", "--add-comments=Translators:",
        "--project=Together Pulse", "--copyright-holder=Together Pulse",
        "-w", "88", str(ROOT),
    )  # fmt: skip
    for language in ("cy", "en"):
        po = LOCALE / language / "LC_MESSAGES" / "messages.po"
        if po.exists():
            pybabel(
                "update", "-i", str(POT), "-o", str(po), "-l", language,
                "-w", "88", "--ignore-obsolete",
            )  # fmt: skip
        else:
            pybabel("init", "-i", str(POT), "-o", str(po), "-l", language, "-w", "88")
    fill_english(LOCALE / "en" / "LC_MESSAGES" / "messages.po")


if __name__ == "__main__":
    sys.exit(main())
