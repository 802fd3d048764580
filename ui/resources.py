"""Process-wide resources: one database handle for every browser session."""

from __future__ import annotations

import streamlit as st

from storage.db import Store, database_path, open_store
from storage.demo import seed_demo_if_empty


@st.cache_resource(show_spinner=False)
def shared_store() -> Store:
    """The migrated store at ``PULSE_DB`` (or ``data/pulse.db``), seeded with the
    demo programme the first time the database is empty."""
    store = open_store(database_path())
    seed_demo_if_empty(store)
    return store
