"""Small custom Streamlit widgets (Custom Components v2) used by the pages.

Import from the submodules, e.g. ``from widgets.device_token import device_token``
(re-exporting the function here would shadow the submodule of the same name).
"""
