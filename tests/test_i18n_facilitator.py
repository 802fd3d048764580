"""The facilitator pages in Welsh: every page, signed in, on the demo programme,
shows none of our English (issue 14: "every string a participant or
facilitator sees comes from a message catalogue").

Two checks per page. Position by position, each text of the Welsh page differs
from the same text of the English page unless it is data people typed (names,
titles, codes, questions, comments) or a number. And no text of the Welsh page
holds an English msgid whose Welsh differs: that catches English built into an
f-string, which the first check could miss where the data around it differs.
"""

from __future__ import annotations

import re
import string
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from babel.messages.pofile import read_po
from streamlit.testing.v1 import AppTest

from storage import actions, comments, programmes
from storage.db import Store, open_store
from storage.demo import DEMO_NAME
from survey import i18n
from tests.fixtures import APP, PASSPHRASE, signed_in_page

PAGES = (
    "screens/facilitator/programmes.py",
    "screens/facilitator/live.py",
    "screens/facilitator/trends.py",
    "screens/facilitator/comments.py",
    "screens/facilitator/present.py",
    "screens/facilitator/questions.py",
    "screens/facilitator/data.py",
    "screens/facilitator/settings.py",
)

SAME_IN_WELSH = {"Data", "Cymraeg", "English", "PNG", "SVG"}
"""Words that are the same in both languages (checked by hand, not ours to change)."""


@dataclass
class Demo:
    store: Store
    programme_id: int
    pulse_id: int
    typed: set[str]


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Demo]:
    """The app's first run seeds the demo (closed pulses, actions, one open
    pulse); every page is then rendered against it."""
    path = tmp_path_factory.mktemp("welsh-facilitator") / "app.db"
    patch = pytest.MonkeyPatch()
    patch.setenv("PULSE_DB", str(path))
    patch.setenv("PULSE_FACILITATOR_PASSWORD", PASSPHRASE)
    AppTest.from_file(APP, default_timeout=60).run()
    store = open_store(path)
    programme_id = next(
        pid for pid, name in programmes.list_programmes(store) if name == DEMO_NAME
    )
    with store.read() as db:
        pulse_id = db.execute("SELECT id FROM pulses WHERE status = 'open'").fetchone()[
            0
        ]
    yield Demo(store, programme_id, pulse_id, typed_data(store, programme_id))
    store.close()
    patch.undo()


def typed_data(store: Store, programme_id: int) -> set[str]:
    """What people typed or the app generated as data: shown as it is."""
    programme = programmes.get_programme(store, programme_id)
    typed = {name for _, name in programmes.list_programmes(store)}
    typed |= {g.name for g in programme.groups}
    for session in programmes.timeline(store, programme_id):
        typed |= {session.title, session.date or ""}
        typed |= {p.code for p in session.pulses}
    for question in programmes.programme_questions(store, programme_id):
        typed |= {question.text, i18n.text_in("cy", question.text, question.text_cy)}
        # The Questions page shows each question's other language below it.
        typed.add(f"English: {question.text}")
    for action in actions.programme_actions(store, programme_id):
        typed |= {action.title, *(u.note for u in action.updates)}
    return typed - {""}


_CHOICES = ("Selectbox", "Radio", "Multiselect", "SelectSlider", "ButtonGroup")
_TEXT_ATTRS = ("value", "label", "placeholder", "help", "options")


def _texts(at: AppTest) -> list[tuple[str, str]]:
    """Every text a facilitator reads, in page order, as (element kind, text).

    Like the participant test's walk, except that a choice widget's ``value``
    is left out: it is the stored option (e.g. "during"), not what is shown;
    its ``options`` are the shown words.
    """
    found: list[tuple[str, str]] = []

    def walk(node: object) -> None:
        children = getattr(node, "children", None)
        if isinstance(children, dict):
            for child in children.values():
                kind = type(child).__name__
                if kind == "Expander":
                    found.append((kind, str(child.label)))
                elif kind not in ("Html", "UnknownElement", "Block", "SpecialBlock"):
                    for attr in _TEXT_ATTRS:
                        if attr == "value" and kind in _CHOICES:
                            continue
                        value = getattr(child, attr, None)
                        values = value if isinstance(value, list) else [value]
                        found.extend((kind, v) for v in values if isinstance(v, str))
                walk(child)

    walk(at._tree)
    return found


def render(path: str, language: str, **params: object) -> AppTest:
    at = signed_in_page(path, lang=language, **params)
    assert not at.exception, at.exception
    return at


def _unescaped(text: str) -> str:
    return re.sub(r"\\([!-/:-@\[-`{-~])", r"\1", text)


def is_data(text: str, typed: set[str]) -> bool:
    """Text made only of typed data, numbers, codes and punctuation."""
    rest = _unescaped(text)
    for item in sorted(typed | SAME_IN_WELSH, key=len, reverse=True):
        rest = rest.replace(item, " ")
    return not re.search(r"[A-Za-z]{2,}", rest)


def english_fragments() -> dict[str, str]:
    """Literal parts (≥ 16 characters) of every msgid whose Welsh differs."""
    with i18n.po_path("cy").open("rb") as po:
        catalogue = read_po(po, locale="cy")
    fragments: dict[str, str] = {}
    for message in catalogue:
        if not message.id:
            continue
        ids = [message.id] if isinstance(message.id, str) else list(message.id)
        welsh = (
            [message.string]
            if isinstance(message.string, str)
            else list(message.string)
        )
        for msgid in ids:
            if msgid in welsh:
                continue
            for literal, *_ in string.Formatter().parse(msgid):
                # Code in backticks, and names in quotes (the English README's
                # headings), read the same in both languages.
                prose = re.sub(r"`[^`]*`|“[^”]*”", "`", literal or "")
                for part in re.split(r"[*`“”]", prose):
                    if len(part.strip()) >= 16:
                        fragments[part.strip()] = msgid
    return fragments


def assert_wholly_welsh(english: AppTest, welsh: AppTest, excused: set[str]) -> None:
    en, cy = _texts(english), _texts(welsh)
    assert [kind for kind, _ in en] == [kind for kind, _ in cy]
    untranslated = [
        text
        for (_, text), (_, other) in zip(en, cy, strict=True)
        if text == other and text.strip() and not is_data(text, excused)
        and _unescaped(text) not in excused
    ]  # fmt: skip
    assert untranslated == []
    fragments = english_fragments()
    leftovers = {
        fragment
        for _, text in cy
        if _unescaped(text) not in excused
        for fragment in fragments
        if fragment in _unescaped(text)
    }
    assert leftovers == set()


@pytest.mark.parametrize("path", PAGES)
def test_every_facilitator_page_is_wholly_welsh(demo: Demo, path: str) -> None:
    params = {"programme": demo.programme_id, "pulse": demo.pulse_id}
    english, welsh = render(path, "en", **params), render(path, "cy", **params)
    assert_wholly_welsh(english, welsh, demo.typed)
    # The page title is Welsh too (the browser tab and the sidebar link).
    # The page's heading is Welsh too (Present's is the pulse's name: data).
    title = welsh.title[0].value
    assert (
        title != english.title[0].value
        or title in SAME_IN_WELSH | demo.typed
        or (path.endswith("present.py"))
    )


def test_sign_in_page_is_welsh(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("PULSE_DB", str(tmp_path / "app.db"))
    monkeypatch.setenv("PULSE_FACILITATOR_PASSWORD", PASSPHRASE)
    pages = []
    for language in ("en", "cy"):
        at = AppTest.from_file(APP, default_timeout=60)
        at.query_params["lang"] = language
        at.run()
        at.switch_page(PAGES[0]).run()
        pages.append(at)
    assert_wholly_welsh(*pages, set())
    welsh = pages[1]
    assert welsh.title[0].value == "Mewngofnodi hwyluswyr"
    box = next(t for t in welsh.text_input if t.label == "Cyfrinymadrodd yr hwylusydd")
    box.set_value("not the passphrase")
    next(b for b in welsh.button if b.label == "Mewngofnodi").click().run()
    assert [e.value for e in welsh.error] == ["Nid yw'r cyfrinymadrodd hwnnw'n gywir."]


def test_comments_and_live_room_states_are_welsh(demo: Demo) -> None:
    """The pages with more states: comments to review, released live results."""
    params = {"programme": demo.programme_id, "pulse": demo.pulse_id}
    review = comments.review(demo.store, demo.pulse_id)
    typed = demo.typed | {c.text for c in review.to_review + review.shown}
    for path in ("screens/facilitator/comments.py", "screens/facilitator/live.py"):
        english, welsh = render(path, "en", **params), render(path, "cy", **params)
        for at in (english, welsh):
            for toggle in at.toggle:
                toggle.set_value(True)
            at.run()
        assert_wholly_welsh(english, welsh, typed)


def test_refusals_a_facilitator_meets_are_in_welsh(store: Store) -> None:
    """Storage refuses bad input with a catalogue message: the page shows it in
    the facilitator's language (ui.i18n.refusal), and nothing is written."""
    welsh = i18n.translations("cy").gettext
    with pytest.raises(i18n.Refusal) as refused:
        programmes.create_programme(store, "  ", ["Social work"])
    assert refused.value.translated(welsh) == "Mae angen enw ar raglen."
    with pytest.raises(i18n.Refusal) as refused:
        programmes.create_programme(store, "Rhaglen", ["Pawb"])
    assert str(refused.value) == (
        "“Pawb” is a word the app uses itself; pick another name."
    )
    assert refused.value.translated(welsh) == (
        "Mae “Pawb” yn air y mae'r ap yn ei ddefnyddio ei hun; dewiswch enw arall."
    )
    assert programmes.list_programmes(store) == []
