"""The language of this browser session, and ``_()`` / ``ngettext`` in it.

``settle_language()`` runs once per script run in ``app.py``: it picks the
language (``?lang=`` link, then the browser's remembered choice, then
``Accept-Language``, then ``navigator.language``, then English; see
``survey.i18n.choose_language``) and sets the document's ``lang`` to match.
Pages then call ``_("…")`` for every string they show.
"""

from __future__ import annotations

from html import escape
from urllib.parse import urlencode

import streamlit as st

from survey.i18n import (
    DEFAULT_LANGUAGE,
    LANGUAGE_NAMES,
    LANGUAGES,
    N_,
    Language,
    choose_language,
    clean_language,
    translations,
)
from survey.words import RESERVED_GROUP_NAMES
from widgets.document_language import document_language, remembered_language

_STATE = "_language"
LOADING = N_("Loading…")
"""Shown while the page turns to the language this browser remembers."""
LANG_PARAM = "lang"


def current_language() -> Language:
    """The language this session shows (English before ``settle_language``)."""
    return st.session_state.get(_STATE, DEFAULT_LANGUAGE)


def _(message: str) -> str:
    """``message`` in the session's language (the English msgid if untranslated)."""
    return translations(current_language()).gettext(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    """The form of a counted message for ``n`` (Welsh has six plural forms)."""
    return translations(current_language()).ngettext(singular, plural, n)


def counted(singular: str, plural: str, n: int, **values: object) -> str:
    """A counted message with ``{n}`` filled in by the same count that chose
    its form, so the two cannot disagree (``values`` fill its other
    placeholders; ``n=`` among them prints the count another way, e.g.
    "1,234"). Extracted like ``ngettext`` (``-k counted:1,2``)."""
    return ngettext(singular, plural, n).format(**{"n": n, **values})


def group_name(group: str) -> str:
    """A group as shown: the app's own words ("Everyone") translated, names
    people typed never (a group called "Data" stays "Data")."""
    return _(group) if group in RESERVED_GROUP_NAMES else group


def refusal(problem: Exception) -> str:
    """A refusal's message in the session's language.

    Refusals raised with a msgid and parameters (``survey.i18n.Refusal``,
    ``survey.answers.SubmissionRejected``) are translated; any other error
    shows as raised.
    """
    translated = getattr(problem, "translated", None)
    return translated(_) if callable(translated) else str(problem)


def settle_language(*, fixed: Language | None = None) -> Language:
    """Decide the session's language for this run and set the document's ``lang``.

    ``fixed`` pins a page to one language (pages not translated yet), so the
    document never claims a language it does not show.
    """
    link = st.query_params.get(LANG_PARAM)
    if fixed is not None:
        language = fixed
    else:
        language = choose_language(
            link=link,
            remembered=remembered_language(),
            accept_language=st.context.headers.get("Accept-Language"),
            browser_locale=st.context.locale,
        )
    st.session_state[_STATE] = language
    document_language(
        language,
        remember=fixed is None and clean_language(link) is not None,
        loading={lang: translations(lang).gettext(LOADING) for lang in LANGUAGES},
    )
    return language


def language_switch() -> None:
    """A link to this page in the other language, named in that language.

    A plain link (``?…&lang=cy``), not a button: it costs no script run while
    people answer, carries ``lang``/``hreflang`` so a screen reader says
    "Cymraeg" in Welsh, and puts the choice in the address, where a reload
    keeps it and the browser remembers it for the next join link.
    """
    shown = current_language()
    params = st.query_params.to_dict()
    links = []
    for other in LANGUAGES:
        if other == shown:
            continue
        href = "?" + urlencode({**params, LANG_PARAM: other})
        links.append(
            f'<a href="{escape(href)}" lang="{other}" hreflang="{other}">'
            f"{escape(LANGUAGE_NAMES[other])}</a>"
        )
    name = escape(_("Language"))
    st.html(f'<nav class="tp-language" aria-label="{name}">{" ".join(links)}</nav>')
