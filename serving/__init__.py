"""The served stack behind ``python serve.py``: Caddy in front of Streamlit workers.

No app logic lives here: where phones can reach us (``address``), Streamlit's
static files compressed once (``static``), Caddy's configuration (``caddy``)
and the child processes kept alive (``workers``).
"""
