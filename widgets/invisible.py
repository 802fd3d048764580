"""Browser-side helpers that draw nothing.

Each widget here is a Custom Components v2 element
(``st.components.v2.component``) whose only job is its JavaScript: reading
localStorage, a cookie, or the document's language. Made here, once, so that
every one takes no space the same way.
"""

from __future__ import annotations

from typing import Any

import streamlit as st


def invisible_component(
    name: str, marker_class: str, js: str, *, extra_css: str = ""
) -> Any:
    """A component that runs ``js`` and takes no space.

    Its HTML is one hidden marker element; its CSS hides the element container
    holding the marker, so there is no flex gap either. The ``<style>`` goes in
    the app's document (``isolate_styles=False``) so the rule can reach that
    container, which is outside the component; ``extra_css`` (our own constant
    rules) goes there too, for what the JavaScript adds to the page.
    """
    css = f"""
.stElementContainer:has(.{marker_class}) {{
  display: none !important;
}}
{extra_css}"""
    return st.components.v2.component(
        name,
        html=f'<div class="{marker_class}" hidden></div>',
        css=css,
        js=js,
        isolate_styles=False,
    )
