"""Streamlit's static files, compressed once per Streamlit version, for Caddy.

A fresh phone downloads ~2.9 MB of Streamlit's JavaScript and fonts, which
Streamlit sends uncompressed (it deliberately skips gzip for static files and
expects a proxy to do it). Compressing on every request would cost CPU per
phone; instead every compressible file gets ``.br`` and ``.gz`` siblings, made
once and kept in a folder named after the Streamlit version, which Caddy's
``file_server { precompressed br gzip }`` serves by the phone's
``Accept-Encoding``. A new Streamlit version gets a new folder.

One change is made to the copy: Streamlit's start-up code asks the browser to
load its Material Symbols icon font at once (``document.fonts.load``), whether
or not the page shows an icon. That is 375 KB for every fresh phone, and the
participant pages draw no icon. In the copy the request is removed, so the
browser fetches the font only when a page draws an icon (the facilitator
pages; the font is ``font-display: block``, so an icon's name never shows as
text while it loads). If a Streamlit upgrade changes that code, nothing is
changed and the font is preloaded as before (``ICON_FONT_PRELOAD`` no longer
matches; a test says so).
"""

from __future__ import annotations

import gzip
import os
import re
import shutil
import tempfile
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import brotli

COMPRESSIBLE = {".js", ".mjs", ".css", ".html", ".json", ".svg", ".map", ".txt", ".ttf"}
# Brotli's best quality costs ~1 s per MB. The phone path uses small bundles;
# the largest lazily loaded chunks (charts a participant never sees) get a
# quality 20x faster and ~10% larger.
BEST_QUALITY_MAX_BYTES = 1_000_000
_MARKER = ".complete"
# Bumped when what is done to the copy changes, so older copies are rebuilt.
COPY_REVISION = "2"
ICON_FONT_PRELOAD = re.compile(
    r'document\.fonts\.load\(`1em "\$\{[\w$]+\.materialIcons\}"`\)'
)


def without_icon_font_preload(script: str) -> tuple[str, int]:
    """``script`` with Streamlit's eager icon-font load replaced by a resolved
    promise (its callers only attach a ``.catch``); and how many were replaced."""
    return ICON_FONT_PRELOAD.subn("Promise.resolve()", script)


def _drop_icon_font_preload(tree: Path) -> int:
    """Apply ``without_icon_font_preload`` to the copy's bundles; how many changed."""
    changed = 0
    for path in (tree / "static" / "js").glob("*.js"):
        text = path.read_text(encoding="utf-8")
        if "materialIcons" not in text:
            continue
        patched, count = without_icon_font_preload(text)
        if count:
            path.write_text(patched, encoding="utf-8")
            changed += 1
    return changed


def streamlit_static_dir() -> Path:
    import streamlit

    return Path(streamlit.__file__).parent / "static"


def streamlit_version() -> str:
    import streamlit

    return streamlit.__version__


def default_cache_root() -> Path:
    """``PULSE_STATIC_CACHE``, else the user's cache folder (shared by checkouts
    and test runs, so the work is done once per machine and version)."""
    configured = os.environ.get("PULSE_STATIC_CACHE")
    if configured:
        return Path(configured)
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "together-pulse"


def _compress(path: str) -> None:
    data = Path(path).read_bytes()
    quality = 11 if len(data) <= BEST_QUALITY_MAX_BYTES else 9
    for suffix, packed in (
        (".br", brotli.compress(data, quality=quality)),
        (".gz", gzip.compress(data, compresslevel=9, mtime=0)),
    ):
        if len(packed) < 0.95 * len(data):  # not worth a sibling otherwise
            Path(path + suffix).write_bytes(packed)


def precompressed_static(
    cache_root: Path | None = None, source: Path | None = None, workers: int = 2
) -> Path:
    """A copy of Streamlit's static folder with ``.br``/``.gz`` siblings.

    Built once per Streamlit version into a temporary folder and renamed into
    place, so a half-built copy is never served and concurrent starts agree.
    """
    source = source or streamlit_static_dir()
    root = (cache_root or default_cache_root()) / (
        f"streamlit-{streamlit_version()}-r{COPY_REVISION}"
    )
    if (root / _MARKER).exists():
        return root
    root.parent.mkdir(parents=True, exist_ok=True)
    building = Path(tempfile.mkdtemp(prefix=root.name + ".", dir=root.parent))
    try:
        tree = building / "static"
        shutil.copytree(source, tree)
        _drop_icon_font_preload(tree)
        files = [
            str(p) for p in tree.rglob("*") if p.is_file() and p.suffix in COMPRESSIBLE
        ]
        # Largest first, so the slow files do not end up last on one core.
        files.sort(key=lambda f: -os.path.getsize(f))
        with ProcessPoolExecutor(max_workers=max(1, workers)) as pool:
            list(pool.map(_compress, files, chunksize=4))
        (tree / _MARKER).write_text(streamlit_version())
        try:
            tree.rename(root)
        except OSError:
            if not (root / _MARKER).exists():  # not another start's finished copy
                raise
    finally:
        shutil.rmtree(building, ignore_errors=True)
    return root
