"""axe-core in the browser tests: inject it, run the WCAG A/AA rules, report.

axe-core comes from npm (``package.json`` at the repo root, installed by
``npm ci`` in ``.ci/run``) and is injected into every document of a Playwright
context with an init script. Only rules tagged for WCAG 2.0/2.1/2.2 levels A
and AA run: these are what the Public Sector Bodies Accessibility Regulations
require and what the government's monitoring tests with.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

import pytest

from tests.e2e.harness import REPO_ROOT

AXE_JS = REPO_ROOT / "node_modules" / "axe-core" / "axe.min.js"
WCAG_A_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa"]

# The two ends a participant or facilitator meets: a phone and a laptop.
PHONE_VIEW = {"width": 390, "height": 844}
LAPTOP_VIEW = {"width": 1366, "height": 768}
SCHEMES = ("light", "dark")


def axe_source() -> str:
    """The axe-core script; fails (not skips) when it is missing, because a
    silently skipped accessibility check is a passed one nobody made."""
    if not AXE_JS.exists():
        pytest.fail(f"{AXE_JS} is missing: run `npm ci` at the repository root")
    return AXE_JS.read_text()


@dataclass(frozen=True)
class Violation:
    """One failed rule on one page state, with the elements that fail it."""

    state: str
    rule: str
    impact: str
    help: str
    targets: tuple[str, ...]
    summaries: tuple[str, ...]

    def __str__(self) -> str:
        lines = [f"[{self.state}] {self.rule} ({self.impact}): {self.help}"]
        for target, summary in zip(self.targets, self.summaries, strict=True):
            lines.append(f"    {target}: {summary.splitlines()[-1] if summary else ''}")
        return "\n".join(lines)


def run_axe(page: Any, state: str) -> list[Violation]:
    """Run axe's WCAG A/AA rules on the page as it is now."""
    options = {"runOnly": {"type": "tag", "values": WCAG_A_AA}}
    result = page.evaluate(
        """async (options) => {
            const r = await axe.run(document, options);
            return r.violations.map(v => ({
                id: v.id, impact: v.impact, help: v.help,
                nodes: v.nodes.map(n => ({
                    target: JSON.stringify(n.target), summary: n.failureSummary || ""
                })),
            }));
        }""",
        options,
    )
    return [
        Violation(
            state,
            v["id"],
            v["impact"] or "",
            v["help"],
            tuple(n["target"] for n in v["nodes"]),
            tuple(n["summary"] for n in v["nodes"]),
        )
        for v in result
    ]


def report(violations: list[Violation]) -> str:
    return "\n".join(str(v) for v in violations) or "none"


def dump(violations: list[Violation]) -> str:
    return json.dumps([v.__dict__ for v in violations], indent=1)
