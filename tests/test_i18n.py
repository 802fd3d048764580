"""Welsh and English: the shipped catalogues, the choice of language, and
answers given in either language landing on the same questions."""

from __future__ import annotations

import ast
import csv
import html
import io
import re
import string
from collections.abc import Iterator
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog, Message
from babel.messages.extract import extract_from_file
from babel.messages.pofile import read_po
from streamlit.testing.v1 import AppTest

from rendering import csv_files
from storage import actions, export, programmes, responses, tickets
from storage.db import Store, open_store
from storage.demo import build_demo
from survey import answers, i18n, instrument
from survey.i18n import (
    choose_language,
    clean_language,
    from_accept_language,
    text_in,
    translations,
)
from survey.words import is_reserved_group_name
from tests.fixtures import OpenPulse, make_open_pulse, row_counts, sign_in
from ui.data_views import report_html as programme_report

ROOT = Path(__file__).resolve().parents[1]
APP = str(ROOT / "app.py")
CODE_DIRS = ("access", "screens", "rendering", "storage", "survey", "ui", "widgets")
MARKERS = {"_", "N_", "gettext", "ngettext", "counted"}


def catalogue(language: str) -> Catalog:
    with i18n.po_path(language).open("rb") as po:
        return read_po(po, locale=language)


def entries(language: str) -> list[Message]:
    return [m for m in catalogue(language) if m.id]


def msgid(message: Message) -> str:
    return message.id if isinstance(message.id, str) else message.id[0]


def strings(message: Message) -> tuple[str, ...]:
    s = message.string
    return (s,) if isinstance(s, str) else tuple(s)


def placeholders(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def marked_literals() -> dict[str, str]:
    """Every string literal passed to a gettext marker in the code, with where.

    Walks the syntax tree (f-strings included, where pybabel's tokenizer may
    not look), so a marked string can never be missing from the catalogue.
    """
    found: dict[str, str] = {}
    files = [ROOT / "app.py"] + [
        p for d in CODE_DIRS for p in sorted((ROOT / d).rglob("*.py"))
    ]
    for path in files:
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Name)
                and node.func.id in MARKERS
                and node.args
                and isinstance(node.args[0], ast.Constant)
                and isinstance(node.args[0].value, str)
            ):
                found[node.args[0].value] = f"{path.relative_to(ROOT)}:{node.lineno}"
    return found


@pytest.mark.parametrize("language", ["cy", "en"])
def test_shipped_catalogue_is_complete(language: str) -> None:
    messages = entries(language)
    assert messages
    untranslated = [msgid(m) for m in messages if not all(strings(m))]
    fuzzy = [msgid(m) for m in messages if m.fuzzy]
    assert untranslated == [], f"untranslated in {language}"
    assert fuzzy == [], f"fuzzy (unreviewed) in {language}"
    # Babel's own checks (e.g. python-format placeholders) find nothing.
    problems = [(msgid(m), errors) for m, errors in catalogue(language).check()]
    assert problems == []


@pytest.mark.parametrize("language", ["cy", "en"])
def test_translations_keep_every_placeholder(language: str) -> None:
    """A translator may move ``{k}`` but not drop, rename or add one: the page
    would show a wrong number or fail with a KeyError."""
    for message in entries(language):
        expected = placeholders(msgid(message))
        for translated in strings(message):
            assert placeholders(translated) == expected, msgid(message)


def test_every_marked_string_in_the_code_is_in_both_catalogues() -> None:
    marked = marked_literals()
    assert "Send my answers" in marked and "Strongly agree" in marked
    for language in ("cy", "en"):
        known = {msgid(m) for m in entries(language)}
        missing = {text: where for text, where in marked.items() if text not in known}
        assert missing == {}, (
            f"not in the {language} catalogue: run python locale/update_catalogues.py"
        )


def test_welsh_catalogue_says_it_awaits_review_or_who_reviewed_it() -> None:
    header = catalogue("cy").header_comment
    assert "AWAITING REVIEW BY A FLUENT WELSH SPEAKER" in header or re.search(
        r"Reviewed by \S", header
    )


def test_the_instrument_exists_in_welsh() -> None:
    """Every item, scale label, dimension, the comment prompt and the privacy
    text are translated (and really differ from the English)."""
    cy = translations("cy")
    texts = [
        *(item.text for item in instrument.ITEM_BANK),
        *instrument.SCALE_LABELS.values(),
        *(d.label for d in instrument.DIMENSIONS),
        *(d.explanation for d in instrument.DIMENSIONS),
        instrument.COMMENT_PROMPT,
        instrument.PRIVACY_TITLE,
        *instrument.PRIVACY_POINTS,
    ]
    for text in texts:
        assert cy.gettext(text) != text, text
    assert cy.gettext("Strongly agree") == "Cytuno'n gryf"
    assert cy.gettext("Strongly disagree") == "Anghytuno'n gryf"
    assert cy.gettext("Prefer not to say") == "Yn well gennyf beidio â dweud"


def test_welsh_plural_forms_are_declared() -> None:
    """Welsh has six plural forms; ngettext must pick among them, not two."""
    assert catalogue("cy").num_plurals == 6


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("cy-GB,cy;q=0.9,en-GB;q=0.8,en;q=0.7", "cy"),
        ("en-GB,en;q=0.9,cy;q=0.8", "en"),
        ("fr-FR,fr;q=0.9,cy;q=0.5", "cy"),
        ("en;q=0.3,cy;q=0.6", "cy"),
        ("CY", "cy"),
        ("fr,de", None),
        ("cy;q=0, en;q=0.1", "en"),
        ("cy;q=abc,en", "en"),
        ("", None),
        (None, None),
        (";;,,=q", None),
    ],
)
def test_accept_language_picks_our_language_by_preference(
    header: str | None, expected: str | None
) -> None:
    assert from_accept_language(header) == expected


def test_language_choice_order_link_then_remembered_then_browser() -> None:
    assert choose_language() == "en"
    assert choose_language(accept_language="cy,en;q=0.5") == "cy"
    assert choose_language(browser_locale="cy-GB") == "cy"
    assert choose_language(accept_language="fr", browser_locale="cy-GB") == "cy"
    assert choose_language(remembered="en", accept_language="cy") == "en"
    assert choose_language(link="cy", remembered="en", accept_language="en") == "cy"
    # Junk from a URL or a browser never breaks the page: it means "not given".
    assert choose_language(link="<script>", accept_language="cy") == "cy"
    assert clean_language(["cy"]) is None
    assert translations("xx").gettext("Agree") == "Agree"


def test_question_text_in_each_language() -> None:
    bank = instrument.ITEM_BANK[0].text
    assert text_in("en", bank) == bank
    assert text_in("cy", bank) == translations("cy").gettext(bank) != bank
    assert text_in("cy", "Our own question", "Ein cwestiwn ein hunain") == (
        "Ein cwestiwn ein hunain"
    )
    assert text_in("en", "Our own question", "Ein cwestiwn ein hunain") == (
        "Our own question"
    )
    # No Welsh given: the English shows rather than nothing.
    assert text_in("cy", "Our own question") == "Our own question"


def test_refusals_are_shown_in_the_participants_language() -> None:
    rejected = answers.InvalidSubmission(
        "Comments can be at most {limit} characters.", limit=1000
    )
    assert str(rejected) == "Comments can be at most 1000 characters."
    assert rejected.translated(translations("cy").gettext) == (
        "Gall sylw fod hyd at 1000 nod o hyd."
    )


def test_welsh_words_of_the_app_are_reserved_group_names() -> None:
    assert is_reserved_group_name("Pawb")
    assert is_reserved_group_name("yn well gennyf  beidio â dweud")
    assert not is_reserved_group_name("Gwaith cymdeithasol")


# --- storage -------------------------------------------------------------


def test_custom_question_keeps_its_welsh(store: Store) -> None:
    live = make_open_pulse(store)
    qid = programmes.add_question(
        store,
        live.programme_id,
        "connection",
        "I know who to call in education.",
        False,
        text_cy="  Rwy'n gwybod pwy i'w ffonio ym maes addysg.  ",
    )
    row = next(q for q in programmes.programme_questions(store, live.programme_id)
               if q.id == qid)  # fmt: skip
    assert row.text_cy == "Rwy'n gwybod pwy i'w ffonio ym maes addysg."
    without = programmes.add_question(
        store, live.programme_id, "purpose", "We agree on goals.", False, text_cy=" "
    )
    row = next(q for q in programmes.programme_questions(store, live.programme_id)
               if q.id == without)  # fmt: skip
    assert row.text_cy is None


def test_too_long_welsh_question_is_refused_and_writes_nothing(store: Store) -> None:
    live = make_open_pulse(store)
    before = row_counts(store)
    with pytest.raises(ValueError, match="under 300 characters"):
        programmes.add_question(
            store, live.programme_id, "purpose", "Short.", False, text_cy="a" * 301
        )
    assert row_counts(store) == before


def test_programme_language_is_set_and_checked(store: Store) -> None:
    live = make_open_pulse(store)
    assert programmes.get_programme(store, live.programme_id).language == "en"
    programmes.set_programme_language(store, live.programme_id, "cy")
    assert programmes.get_programme(store, live.programme_id).language == "cy"
    with pytest.raises(ValueError, match="Language must be one of en, cy"):
        programmes.set_programme_language(store, live.programme_id, "fr")
    assert programmes.get_programme(store, live.programme_id).language == "cy"


# --- the participant page in each language (AppTest) ---------------------


@pytest.fixture
def live(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[OpenPulse]:
    path = tmp_path / "app.db"
    monkeypatch.setenv("PULSE_DB", str(path))
    store = open_store(path)
    yield make_open_pulse(store)
    store.close()


def run_app(code: str, lang: str | None = None, remembered: str | None = None):
    at = AppTest.from_file(APP, default_timeout=30)
    at.query_params["code"] = code
    if lang is not None:
        at.query_params["lang"] = lang
    if remembered is not None:
        # Stand in for the browser's report (widgets/document_language.py).
        at.session_state["document_language"] = {"remembered": remembered}
    return at.run()


def shown(at: AppTest) -> str:
    parts = [
        e.value
        for kind in ("markdown", "caption", "success", "error", "info", "subheader")
        for e in getattr(at, kind)
    ]
    parts += [w.label for w in at.radio] + [b.label for b in at.button]
    parts += [str(o) for w in at.radio for o in w.options]
    parts += [e.label for e in at.expander] + [t.label for t in at.text_area]
    parts += [_html_text(h.proto.body) for h in at.get("html")]
    # As read: Markdown escapes of typed text (ui.plain) undone.
    return re.sub(r"\\([!-/:-@\[-`{-~])", r"\1", "\n".join(str(p) for p in parts))


def test_welsh_link_shows_the_whole_form_in_welsh(live: OpenPulse) -> None:
    at = run_app(live.pulse.code, lang="cy")
    assert not at.exception
    page = shown(at)
    cy = translations("cy").gettext
    for question in live.questions:
        assert cy(question.text) in page
        assert question.text not in page
    for words in ("Anfon fy atebion", "Pa grŵp ydych chi'n rhan ohono?",
                  "Pwy all weld eich atebion?", cy(instrument.COMMENT_PROMPT),
                  "1 = anghytuno'n gryf · 7 = cytuno'n gryf"):  # fmt: skip
        assert words in page
    assert [r.options for r in at.radio if r.key.startswith("group-")] == [
        ["Social work", "Education", "Yn well gennyf beidio â dweud"]
    ]
    assert "Send my answers" not in page
    # The scale's options: the meaning heard on every one, in Welsh.
    assert "5:small[,] :small[Cytuno i ryw raddau]" in page
    assert "Hepgor :small[y cwestiwn hwn]" in page
    assert "Somewhat agree" not in page


def test_remembered_welsh_applies_without_a_link(live: OpenPulse) -> None:
    assert "Anfon fy atebion" in shown(run_app(live.pulse.code, remembered="cy"))
    assert "Send my answers" in shown(run_app(live.pulse.code))
    # An explicit link beats what the browser remembered.
    at = run_app(live.pulse.code, lang="en", remembered="cy")
    assert "Send my answers" in shown(at)


def send(at: AppTest) -> AppTest:
    submit = next(b for b in at.button if b.label in ("Send my answers",
                                                     "Anfon fy atebion"))  # fmt: skip
    return submit.click().run()


def test_welsh_and_english_answers_land_on_the_same_questions(
    live: OpenPulse,
) -> None:
    custom = programmes.add_question(
        live.store,
        live.programme_id,
        "purpose",
        "We agree what good looks like for a child.",
        False,
        text_cy="Rydym yn cytuno beth yw da i blentyn.",
    )
    pulse = programmes.create_pulse(
        live.store,
        live.pulse.session_id,
        "during",
        question_ids=[live.questions[0].id, custom],
    )
    programmes.open_pulse(live.store, pulse.id)
    for lang, value in (("cy", 2), ("en", 6)):
        at = run_app(pulse.code, lang=lang)
        page = shown(at)
        welsh = lang == "cy"
        assert ("Rydym yn cytuno beth yw da i blentyn." in page) is welsh
        assert ("We agree what good looks like for a child." in page) is not welsh
        for control in at.radio:
            if control.key.startswith("answer-"):
                control.set_value(value)
        at = send(at)
        assert not at.exception
        thanks = "Diolch! Mae eich atebion" if welsh else "Your answers are in"
        assert thanks in shown(at)
    assert responses.count_responses(live.store, pulse.id) == 2
    with live.store.read() as db:
        by_question = db.execute(
            "SELECT question_id, group_concat(value) FROM "
            "(SELECT question_id, value FROM answers WHERE pulse_id = ? "
            "ORDER BY value) GROUP BY question_id ORDER BY question_id",
            [pulse.id],
        ).fetchall()
    assert by_question == [(live.questions[0].id, "2,6"), (custom, "2,6")]


def test_welsh_refusal_and_not_open_messages(live: OpenPulse) -> None:
    before = row_counts(live.store)
    at = send(run_app(live.pulse.code, lang="cy"))
    assert "Atebwch o leiaf un cwestiwn" in shown(at)
    assert row_counts(live.store) == before
    programmes.close_pulse(live.store, live.pulse.id)
    # A closed pulse looks like an unknown code to a new visitor (issue 10).
    assert "Does dim arolwg ar agor gyda'r cod hwnnw." in shown(
        run_app(live.pulse.code, lang="cy")
    )


def test_a_send_pressed_in_english_is_honoured_when_welsh_arrives(
    live: OpenPulse,
) -> None:
    """The browser's remembered Welsh can reach the server after the phone
    drew the English form: the run that handles the press draws it in Welsh.
    The press must still send (the button's id must not follow its label)."""
    at = run_app(live.pulse.code)
    assert "Send my answers" in shown(at)
    for control in at.radio:
        if control.key.startswith("answer-"):
            control.set_value(4)
    submit = next(b for b in at.button if b.label == "Send my answers")
    submit.click()
    at.session_state["document_language"] = {"remembered": "cy"}
    at = at.run()
    assert not at.exception
    assert "Diolch! Mae eich atebion" in shown(at)
    assert responses.count_responses(live.store, live.pulse.id) == 1


def test_csv_headers_and_app_words_follow_the_programme_language(
    store: Store,
) -> None:
    live = make_open_pulse(store, k=3)
    for _ in range(3):
        responses.submit_response(
            store, live.pulse.id, live.first_answers(5), group_id=None
        )
    programmes.close_pulse(store, live.pulse.id)

    english = export.export_programme(store, live.programme_id)
    assert (
        csv_files.aggregates_csv(english)
        .splitlines()[0]
        .startswith("programme,pulse_id,")
    )
    assert csv_files.answers_csv(english).splitlines()[0].startswith("pulse_id,pulse,")

    programmes.set_programme_language(store, live.programme_id, "cy")
    welsh = export.export_programme(store, live.programme_id)
    aggregates = list(csv.DictReader(io.StringIO(csv_files.aggregates_csv(welsh))))
    answers = list(csv.DictReader(io.StringIO(csv_files.answers_csv(welsh))))
    assert list(aggregates[0])[:3] == ["rhaglen", "id_arolwg", "arolwg"]
    assert "cwestiwn" in answers[0] and "gwerth" in answers[0]
    assert {row["grŵp"] for row in aggregates} == {"Pawb"}
    cy = translations("cy").gettext
    assert {row["cwestiwn"] for row in answers} == {cy(q.text) for q in live.questions}
    # The same figures, only the words differ.
    assert len(aggregates) == len(english.aggregates)
    assert len(answers) == len(english.answers)


def test_every_string_in_the_report_template_is_in_both_catalogues() -> None:
    found = {
        text
        for path in (ROOT / "rendering" / "templates").glob("*.html")
        for _, text, _, _ in extract_from_file("jinja2.ext:babel_extract", str(path))
    }
    assert "Summary" in found
    for language in ("cy", "en"):
        assert found <= {msgid(m) for m in entries(language)}


def test_report_follows_the_programme_language(tmp_path: Path) -> None:
    store = open_store(tmp_path / "demo.db")
    programme_id = build_demo(store)
    actions.add_action(
        store, programme_id, "<b>Rhannu</b> & more", session_id=None, dimensions=[]
    )
    english = programme_report(store, programme_id)
    assert '<html lang="en">' in english and "<h2>Summary</h2>" in english
    assert ' lang="en"' not in english.split("<body>", 1)[1]

    programmes.set_programme_language(store, programme_id, "cy")
    welsh = programme_report(store, programme_id)
    store.close()
    assert '<html lang="cy">' in welsh
    for heading in ("Crynodeb", "Sut newidiodd pob dimensiwn",
                    "Sut i ddarllen y ffigurau hyn"):  # fmt: skip
        assert f"<h2>{heading}</h2>" in welsh
    assert "<h2>Summary</h2>" not in welsh
    # The date is written in Welsh (Babel's CLDR month names).
    months = ("Ionawr", "Chwefror", "Mawrth", "Ebrill", "Mai", "Mehefin",
              "Gorffennaf", "Awst", "Medi", "Hydref", "Tachwedd",
              "Rhagfyr")  # fmt: skip
    assert any(f" {month} " in welsh for month in months)
    # The analysis is Welsh too (tests/test_i18n_report.py checks every
    # sentence, table and chart), so nothing is marked as English.
    summary = welsh.split("<h2>Crynodeb</h2>", 1)[1]
    assert summary.split("<ul", 1)[1].startswith("><li>")
    assert "Diogelwch seicolegol, pawb: wedi gwella." in summary
    assert ' lang="en"' not in welsh
    # Typed text stays inert in both.
    assert "&lt;b&gt;Rhannu&lt;/b&gt; &amp; more" in welsh
    assert "<b>Rhannu" not in welsh
    # Same figures in both: as many charts.
    assert welsh.count("<svg") == english.count("<svg")


def test_present_projects_a_welsh_join_link_in_welsh(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "app.db"
    monkeypatch.setenv("PULSE_DB", str(path))
    monkeypatch.setenv("PULSE_FACILITATOR_PASSWORD", "correct horse battery staple")
    AppTest.from_file(APP, default_timeout=60).run()  # seeds the demo
    at = AppTest.from_file(APP, default_timeout=60).run()
    at.switch_page("screens/facilitator/present.py").run()
    sign_in(at)

    def room_html() -> str:
        return "\n".join(str(h.proto) for h in at.get("html"))

    assert 'lang=\\"en\\"' in room_html() or 'lang="en"' in room_html()
    assert "Scan with your phone camera" in room_html()
    choice = next(r for r in at.sidebar.radio if r.label == "Join link language")
    choice.set_value("cy").run()
    assert not at.exception
    assert "Sganiwch gyda chamera eich ffôn" in room_html()
    assert "Scan with your phone camera" not in room_html()
    assert "Atebion hyd yma" in room_html()  # the live count, in Welsh too
    assert "Answers so far" not in room_html()


def test_join_link_carries_the_chosen_language() -> None:
    from serving.address import JoinBase
    from ui.links import join_url

    base = JoinBase("http://10.0.0.5:8501", True)
    assert join_url("K7PX2M", base) == "http://10.0.0.5:8501/?code=K7PX2M"
    assert join_url("K7PX2M", base, "cy") == "http://10.0.0.5:8501/?code=K7PX2M&lang=cy"
    assert join_url("K7PX2M", base, "fr") == "http://10.0.0.5:8501/?code=K7PX2M"


# --- nothing a participant reads is left in English ----------------------

_TEXT_ATTRS = ("value", "label", "placeholder", "help", "options")


def _html_text(body: str) -> str:
    """The words of our own HTML (the privacy note, the language link), not
    its styles or scripts."""
    body = re.sub(r"<(style|script)\b.*?</\1>", "", body, flags=re.S)
    return html.unescape(re.sub(r"<[^>]+>", " ", body)).strip()


def _texts(at: AppTest) -> list[tuple[str, str]]:
    """Every text a participant reads, in page order, as (element kind, text)."""
    found: list[tuple[str, str]] = []

    def walk(node: object) -> None:
        children = getattr(node, "children", None)
        if isinstance(children, dict):
            for child in children.values():
                kind = type(child).__name__
                if kind == "Expander":
                    found.append((kind, str(child.label)))
                elif kind == "Html" and _html_text(child.proto.body):
                    found.append((kind, _html_text(child.proto.body)))
                elif kind not in ("Html", "UnknownElement", "Block", "SpecialBlock"):
                    for attr in _TEXT_ATTRS:
                        value = getattr(child, attr, None)
                        values = value if isinstance(value, list) else [value]
                        found.extend((kind, v) for v in values if isinstance(v, str))
                walk(child)

    walk(at._tree)
    return found


def _assert_all_welsh(english: AppTest, welsh: AppTest, typed: set[str]) -> None:
    """Position by position, every text that is ours (not typed by a
    facilitator, not a number) differs between the English and Welsh page."""
    assert not english.exception and not welsh.exception
    en, cy = _texts(english), _texts(welsh)
    assert [kind for kind, _ in en] == [kind for kind, _ in cy]
    untranslated = [
        text
        for (_, text), (_, other) in zip(en, cy, strict=True)
        if text == other and text.strip() and not text.strip().isdigit()
        and text not in typed
    ]  # fmt: skip
    assert untranslated == []


def _both(code: str | None, tokens: tuple[str, str] | None = None):
    """The same page state in English and in Welsh (each its own device)."""
    pages = []
    for index, lang in enumerate(("en", "cy")):
        at = AppTest.from_file(APP, default_timeout=30)
        at.query_params["lang"] = lang
        if code is not None:
            at.query_params["code"] = code
        if tokens is not None:
            at.session_state["device_token"] = {"token": tokens[index]}
        pages.append(at.run())
    return pages[0], pages[1]


def test_every_participant_page_state_is_wholly_welsh(live: OpenPulse) -> None:
    typed = {live.pulse.programme_name, live.pulse.session_title}
    typed |= {g.name for g in live.groups}
    # The join page, and a code that names no open pulse.
    _assert_all_welsh(*_both(None), typed)
    _assert_all_welsh(*_both("NOPE99"), typed)
    # The form (every question, the scale, the privacy note, the comment box).
    english, welsh = _both(live.pulse.code)
    _assert_all_welsh(english, welsh, typed)
    # Sending nothing: the refusal.
    _assert_all_welsh(send(english), send(welsh), typed)
    # The thank-you, then "already answered" on the same devices.
    tokens = ("ab" * 32, "cd" * 32)
    english, welsh = _both(live.pulse.code, tokens)
    for at in (english, welsh):
        next(r for r in at.radio if r.key.startswith("answer-")).set_value(4)
    _assert_all_welsh(send(english), send(welsh), typed)
    _assert_all_welsh(*_both(live.pulse.code, tokens), typed)


def test_ticket_pages_are_wholly_welsh(live: OpenPulse) -> None:
    tickets.set_uses_tickets(live.store, live.programme_id, True)
    typed = {live.pulse.programme_name, live.pulse.session_title}
    # Asked for a ticket; then a wrong one.
    _assert_all_welsh(*_both(live.pulse.code), typed)
    wrong = _both(live.pulse.code)
    for at in wrong:
        at.text_input[0].set_value("AAAAA-AAAAA")
        use = ("Use this ticket", "Defnyddio'r tocyn hwn")
        next(b for b in at.button if b.label in use).click().run()
    _assert_all_welsh(*wrong, typed | {"AAAAA-AAAAA"})  # what was typed
    assert "Nid yw cod y tocyn hwnnw'n ddilys" in shown(wrong[1])


def test_accessibility_statement_follows_the_language(live: OpenPulse) -> None:
    pages = []
    for lang in ("en", "cy"):
        at = AppTest.from_file(APP, default_timeout=30)
        at.query_params["lang"] = lang
        at.run()
        at.switch_page("screens/public/accessibility.py").run()
        pages.append(at)
    english, welsh = pages
    _assert_all_welsh(english, welsh, set())
    assert "Datganiad hygyrchedd ar gyfer Together Pulse" in shown(welsh) or any(
        "Datganiad hygyrchedd" in t.value for t in welsh.title
    )
