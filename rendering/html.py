"""The one Jinja environment for HTML files people download (report, tickets).

Autoescaping is on: names and notes are typed by people and must never become
markup. Templates live in ``rendering/templates/``.
"""

from __future__ import annotations

from pathlib import Path

import jinja2

TEMPLATES = jinja2.Environment(
    loader=jinja2.FileSystemLoader(Path(__file__).parent / "templates"),
    autoescape=True,
    trim_blocks=True,
    lstrip_blocks=True,
)
