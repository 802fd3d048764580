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

import re
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
        if not message.id:
            continue
        if isinstance(message.id, (list, tuple)):
            # A counted message: English's two forms are the msgid's two.
            if message.fuzzy or not all(message.string):
                message.string = tuple(message.id)
                message.flags.discard("fuzzy")
            continue
        if not message.string:
            message.string = message.id
        if message.fuzzy:
            message.string = message.id
            message.flags.discard("fuzzy")
    with path.open("wb") as po:
        write_po(po, catalog, width=88, omit_header=False)


_DATES = re.compile(r'^"(POT-Creation-Date|PO-Revision-Date): .*$', re.M)


def _without_dates(text: str) -> str:
    return _DATES.sub("", text)


def main() -> None:
    files = [POT] + [
        LOCALE / lang / "LC_MESSAGES" / "messages.po" for lang in ("cy", "en")
    ]
    before = {path: path.read_text("utf-8") for path in files if path.exists()}
    pybabel(
        "extract", "-F", str(ROOT / "babel.cfg"), "-o", str(POT),
        "--no-location", "--sort-output", "--add-comments=Translators:",
        "-k", "counted:1,2",
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
    # Only a new date in the header is no change: keep the file as it was, so
    # a refresh with no new strings leaves nothing to commit or merge.
    for path, old in before.items():
        if _without_dates(path.read_text("utf-8")) == _without_dates(old):
            path.write_text(old, "utf-8")


if __name__ == "__main__":
    sys.exit(main())
