"""Process-wide resources: one database handle for every browser session.

Start-up work (migrations, the demo on a fresh database, the retention purge,
the facilitator passphrase) is done by ``prepare_store``. Under ``streamlit
run`` the first browser session does it; under ``python serve.py`` it is done
once before any worker starts (``PULSE_PREPARED`` names the prepared file), so
two workers never both create the demo.
"""

from __future__ import annotations

import os
from pathlib import Path

import streamlit as st

from storage.db import Store, database_path, open_store
from storage.demo import open_demo_code, seed_demo_if_empty
from storage.retention import apply_retention
from ui.access import announce_passphrase

PREPARED_ENV = "PULSE_PREPARED"


def shared_store() -> Store:
    """The migrated store at ``PULSE_DB`` (or ``data/pulse.db``), seeded with the
    demo programme the first time the database is empty."""
    return store_at(str(database_path().resolve()))


def prepare_store(path: Path | str, *, say_demo: bool = True) -> Store:
    """Open (and migrate) the database, seed the demo on the first run, store
    or generate the passphrase, and purge answers past their retention date.

    Idempotent: a second call finds the work done. Returns the open store.
    """
    store = open_store(path)
    if seed_demo_if_empty(store) and say_demo:
        # Once, on the terminal: where a new user can answer straight away.
        print(
            f"Demo programme created. Open pulse: /?code={open_demo_code(store)}",
            flush=True,
        )
    announce_passphrase(store)
    purged = apply_retention(store)  # idempotent; counts only, never text
    if purged.answers or purged.comments:
        print(purged.summary(), flush=True)
    return store


@st.cache_resource(show_spinner=False)
def store_at(path: str) -> Store:
    if os.environ.get(PREPARED_ENV) == path:
        return open_store(path)
    return prepare_store(path)
