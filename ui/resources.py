"""Process-wide resources: one database handle for every browser session."""

from __future__ import annotations

import streamlit as st

from storage.db import Store, database_path, open_store
from storage.demo import open_demo_code, seed_demo_if_empty
from storage.retention import apply_retention
from ui.access import announce_passphrase


def shared_store() -> Store:
    """The migrated store at ``PULSE_DB`` (or ``data/pulse.db``), seeded with the
    demo programme the first time the database is empty."""
    return store_at(str(database_path().resolve()))


@st.cache_resource(show_spinner=False)
def store_at(path: str) -> Store:
    store = open_store(path)
    if seed_demo_if_empty(store):
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
