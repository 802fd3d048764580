"""Facilitator access: passphrase hashing, sign-in and its rate limits.

No Streamlit here (``ui/access.py`` draws the forms) and no SQL (the hash is
kept through ``storage.settings``).
"""
