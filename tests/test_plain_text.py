"""Text a facilitator typed is plain text wherever it is shown (issue 10,
finding 9): a name with Markdown or HTML in it is shown literally, on the
participant's phone and on every facilitator page."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from storage import actions, programmes, responses
from storage.db import Store, open_store
from tests.fixtures import APP, PASSPHRASE, signed_in_page
from ui.plain import plain

PIXEL = "![](http://127.0.0.1:9/px.gif)"
HOSTILE = f"{PIXEL} **bold** <img src=x> :red[red] $x$"
# What Markdown would make of it, if it were read as Markdown.
MARKUP = ("![](", "**bold**", "<img", ":red[", "$x$")
_MARKDOWN_BODIES = {
    "markdown",
    "caption",
    "title",
    "header",
    "subheader",
    "error",
    "info",
    "warning",
    "success",
    "toast",
}


@dataclass(frozen=True)
class Hostile:
    store: Store
    programme_id: int
    open_pulse: programmes.PulseInfo


def _answer(store: Store, pulse_id: int, groups: list[programmes.Group]) -> None:
    questions = programmes.pulse_questions(store, pulse_id)
    for group in groups:
        for value in (3, 4, 5, 6, 5, 4):
            responses.submit_response(
                store, pulse_id, {q.id: value for q in questions}, group_id=group.id
            )


@pytest.fixture
def hostile(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Hostile]:
    """A programme whose every typed name is hostile, with two closed pulses
    (so Trends has sentences naming groups) and one open pulse."""
    path = tmp_path / "app.db"
    monkeypatch.setenv("PULSE_DB", str(path))
    monkeypatch.setenv("PULSE_FACILITATOR_PASSWORD", PASSPHRASE)
    store = open_store(path)
    programme_id = programmes.create_programme(
        store, HOSTILE, [f"Team {HOSTILE}", "Education"], k=5
    )
    groups = programmes.programme_groups(store, programme_id)
    question_id = programmes.add_question(store, programme_id, "safety", HOSTILE, False)
    session_id = programmes.add_session(store, programme_id, HOSTILE, kind=HOSTILE)
    for moment in ("before", "after"):
        pulse = programmes.create_pulse(store, session_id, moment)
        programmes.open_pulse(store, pulse.id)
        _answer(store, pulse.id, groups)
        programmes.close_pulse(store, pulse.id)
    actions.add_action(
        store, programme_id, HOSTILE, session_id=session_id, groups=[groups[0].name]
    )
    live = programmes.create_pulse(
        store, session_id, "during", question_ids=[question_id], comment_prompt=HOSTILE
    )
    programmes.open_pulse(store, live.id)
    yield Hostile(store, programme_id, programmes.pulse_by_id(store, live.id))
    store.close()


def markdown_texts(node: object) -> list[str]:
    """Every string on the page that Streamlit renders as Markdown: element
    bodies, every label and tooltip, and radio options."""
    found: list[str] = []
    kind = getattr(node, "type", "")
    if kind in _MARKDOWN_BODIES and isinstance(getattr(node, "value", None), str):
        found.append(node.value)  # type: ignore[attr-defined]
    for attr in ("label", "help"):
        value = getattr(node, attr, None)
        if isinstance(value, str):
            found.append(value)
    if kind == "radio":
        found.extend(str(o) for o in node.options)  # type: ignore[attr-defined]
    for child in getattr(node, "children", {}).values():
        found.extend(markdown_texts(child))
    return found


def rendered(at: AppTest) -> list[str]:
    return markdown_texts(at.main) + markdown_texts(at.sidebar)


def unescaped(text: str) -> str:
    """The text with every backslash-escaped character removed: what is left
    is what Markdown would read as syntax."""
    return re.sub(r"\\[!-/:-@\[-`{-~]", "", text)


def assert_plain(at: AppTest) -> None:
    assert not at.exception, at.exception
    leaks = [t for t in rendered(at) if any(m in unescaped(t) for m in MARKUP)]
    assert leaks == []


def facilitator_page(path: str, **params: str) -> AppTest:
    return signed_in_page(path, **params)


def test_the_participant_page_shows_typed_names_as_text(hostile: Hostile) -> None:
    at = AppTest.from_file(APP, default_timeout=60)
    at.query_params["code"] = hostile.open_pulse.code
    at.run()
    assert_plain(at)
    texts = rendered(at)
    # Shown, literally: escaped so Markdown prints every character as typed.
    assert any(plain(HOSTILE) in t for t in texts)  # programme, session, question
    assert any(plain(f"Team {HOSTILE}") in t for t in texts)  # a group option


@pytest.mark.parametrize(
    "path",
    [
        "screens/facilitator/programmes.py",
        "screens/facilitator/live.py",
        "screens/facilitator/present.py",
        "screens/facilitator/questions.py",
        "screens/facilitator/trends.py",
    ],
)
def test_facilitator_pages_show_typed_names_as_text(
    hostile: Hostile, path: str
) -> None:
    at = facilitator_page(
        path, programme=str(hostile.programme_id), pulse=str(hostile.open_pulse.id)
    )
    assert_plain(at)
    assert any(plain(HOSTILE) in t for t in rendered(at))


def test_trends_sentences_name_groups_as_text(hostile: Hostile) -> None:
    at = facilitator_page(
        "screens/facilitator/trends.py", programme=str(hostile.programme_id)
    )
    assert_plain(at)
    lines = [m.value for m in at.markdown if m.value.startswith("- ")]
    assert any(plain(f"Team {HOSTILE}") in line for line in lines)


def test_plain_escapes_every_markdown_character() -> None:
    assert plain("a*b_c`d[e](f)!g<h>i#j|k~l$m:n\\o") == (
        r"a\*b\_c\`d\[e\]\(f\)\!g\<h\>i\#j\|k\~l\$m\:n\\o"
    )
    assert plain("two\nlines") == "two lines"
