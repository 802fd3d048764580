"""Welsh and English: message catalogues and the choice of language (pure part).

The catalogues are gettext ``.po`` files under ``locale/<lang>/LC_MESSAGES/``
that a council's translator can edit with any PO editor. They are compiled
with Babel in memory the first time a language is used in a process, so a
fresh clone runs without a build step and no compiled ``.mo`` file can fall
out of step with its ``.po``. Fuzzy entries are left out (Babel's default),
so an unreviewed guess never reaches a participant: the English shows instead.

Strings are marked in the code with ``_()`` / ``ngettext()`` (translated where
they are shown) or ``N_()`` (module constants, translated later); ``pybabel
extract`` with ``babel.cfg`` collects them. Placeholders use ``str.format``
names (``{k}``), which a translator can move within the sentence.

The Streamlit part (which language this browser session shows) is
``ui.i18n``.
"""

from __future__ import annotations

import gettext
import io
from collections.abc import Callable, Mapping
from functools import cache
from pathlib import Path
from typing import Literal, Protocol

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

Language = Literal["en", "cy"]
LANGUAGES: tuple[Language, ...] = ("en", "cy")
DEFAULT_LANGUAGE: Language = "en"
LANGUAGE_NAMES: Mapping[str, str] = {"en": "English", "cy": "Cymraeg"}
"""Each language named in itself, as a language switch shows it."""

LOCALE_DIR = Path(__file__).resolve().parents[1] / "locale"
DOMAIN = "messages"


class Translator(Protocol):
    """What pure code needs to write in a language: ``gettext`` and ``ngettext``
    (``translations(language)`` is one). Passed in, never looked up globally,
    so survey/ stays free of Streamlit and of any session state."""

    def gettext(self, message: str, /) -> str: ...

    def ngettext(self, singular: str, plural: str, n: int, /) -> str: ...


def N_(message: str) -> str:  # noqa: N802 - the gettext convention
    """Mark a constant for extraction; it is translated where it is shown."""
    return message


class Refusal(ValueError):
    """A refused request whose message people read, in their language.

    ``message`` is a catalogue msgid with ``{name}`` placeholders filled from
    ``params``; ``str()`` is the English (logs, tests), ``translated(_)`` the
    message in the reader's language. A ``ValueError``, so callers that catch
    those keep working.
    """

    def __init__(self, message: str, **params: object) -> None:
        self.message = message
        self.params = params
        super().__init__(message.format(**params))

    def translated(self, gettext: Callable[[str], str]) -> str:
        return gettext(self.message).format(**self.params)


def po_path(language: str) -> Path:
    return LOCALE_DIR / language / "LC_MESSAGES" / f"{DOMAIN}.po"


@cache
def translations(language: str) -> gettext.NullTranslations:
    """The compiled catalogue of ``language`` (one compile per process).

    Unknown languages get the identity translation, so a bad value from a
    URL or a browser can only ever mean "English".
    """
    if language not in LANGUAGES:
        return gettext.NullTranslations()
    with po_path(language).open("rb") as po:
        catalog = read_po(po, locale=language, domain=DOMAIN)
    compiled = io.BytesIO()
    write_mo(compiled, catalog, use_fuzzy=False)
    compiled.seek(0)
    return gettext.GNUTranslations(compiled)


def clean_language(value: object) -> Language | None:
    """``value`` as one of ``LANGUAGES`` (``"CY"``, ``"cy-GB"`` → ``"cy"``), or None."""
    if not isinstance(value, str):
        return None
    primary = value.strip().lower().replace("_", "-").split("-")[0]
    for language in LANGUAGES:
        if primary == language:
            return language
    return None


def from_accept_language(header: str | None) -> Language | None:
    """The first of our languages in an ``Accept-Language`` header, by q-value.

    ``"cy-GB,cy;q=0.9,en-GB;q=0.8"`` → ``"cy"``; ``"fr,en;q=0.5"`` → ``"en"``;
    no match (or no header) → None. Malformed parts are skipped.
    """
    if not header:
        return None
    ranked: list[tuple[float, int, Language]] = []
    for position, part in enumerate(header[:1000].split(",")):
        tag, _, params = part.strip().partition(";")
        language = clean_language(tag)
        if language is None:
            continue
        quality = 1.0
        for param in params.split(";"):
            name, _, value = param.strip().partition("=")
            if name.strip().lower() == "q":
                try:
                    quality = float(value)
                except ValueError:
                    quality = -1.0
        if quality > 0:
            ranked.append((-quality, position, language))
    return min(ranked)[2] if ranked else None


def choose_language(
    *,
    link: object = None,
    remembered: object = None,
    accept_language: str | None = None,
    browser_locale: object = None,
) -> Language:
    """Which language to show, most explicit first.

    The link (``?lang=cy``, e.g. from a Welsh QR code), then the choice this
    browser remembered from the language switch, then the browser's
    ``Accept-Language``, then its ``navigator.language``, then English.
    """
    return (
        clean_language(link)
        or clean_language(remembered)
        or from_accept_language(accept_language)
        or clean_language(browser_locale)
        or DEFAULT_LANGUAGE
    )


def gettext_for(language: str, message: str) -> str:
    return translations(language).gettext(message)


def text_in(language: str, english: str, welsh: str | None = None) -> str:
    """Text stored in English (and maybe Welsh), as shown in ``language``.

    A question's or prompt's own Welsh wins; otherwise the catalogue's
    translation of the English (the instrument's bank items and default
    prompt are msgids); otherwise the English, so nothing is ever blank.
    """
    if language == "cy":
        return welsh or gettext_for(language, english)
    return english
