"""The layout the README describes: each folder one job, imports one way."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

# folder -> top-level modules it must never import
FORBIDDEN = {
    "survey": {"streamlit", "sqlite3", "sqlite_utils", "storage", "ui", "rendering",
               "access", "screens", "widgets"},
    "rendering": {"streamlit", "sqlite3", "sqlite_utils", "storage", "ui", "access",
                  "screens", "widgets"},
    "access": {"streamlit", "sqlite3", "sqlite_utils", "ui", "rendering", "screens",
               "widgets"},
    "storage": {"streamlit", "ui", "rendering", "access", "screens", "widgets"},
}  # fmt: skip


def imported(path: Path) -> set[str]:
    tree = ast.parse(path.read_text())
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            names.add(node.module.split(".")[0])
    return names


def test_imports_point_one_way() -> None:
    wrong = {
        f"{path.relative_to(ROOT)} imports {name}"
        for folder, forbidden in FORBIDDEN.items()
        for path in (ROOT / folder).rglob("*.py")
        # The command line is glue: it may write files with rendering.
        if path.relative_to(ROOT).as_posix() != "storage/__main__.py"
        for name in imported(path) & forbidden
    }
    assert not wrong


def test_every_storage_module_speaks_sql() -> None:
    """storage/ is persistence only: each module runs SQL (the CLI entry point
    and the package marker aside)."""
    sql_words = ("SELECT", "INSERT", "UPDATE", "DELETE", "CREATE", "PRAGMA", "VACUUM")
    without = [
        path.name
        for path in (ROOT / "storage").glob("*.py")
        if path.name not in {"__init__.py", "__main__.py"}
        and not any(word in path.read_text() for word in sql_words)
    ]
    assert not without


def test_readme_layout_names_every_folder() -> None:
    readme = (ROOT / "README.md").read_text()
    layout = readme.split("## Layout", 1)[1].split("## ", 1)[0]
    folders = {
        p.name
        for p in ROOT.iterdir()
        if p.is_dir() and (p / "__init__.py").exists() and p.name != "tests"
    } | {"screens", "tests"}
    for folder in folders:
        assert f"{folder}/" in layout, folder
