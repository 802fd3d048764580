"""Views of the Programmes page: create from the template, settings, timeline."""

from __future__ import annotations

from datetime import date

import pandas as pd
import streamlit as st

from storage import closing, held_out, programmes, responses
from storage.db import Store
from survey import words
from survey.i18n import LANGUAGE_NAMES, LANGUAGES, N_, text_in
from survey.instrument import MOMENTS, dimension_label
from survey.names import (
    FORM_NAMES,
    MOMENT_NAMES,
    PULSE_STATUS_NAMES,
    SESSION_KIND_NAMES,
    msgid_of,
)
from survey.template import TEMPLATE_NAME, SessionPlan, four_month_template
from ui import a11y_text as a11y
from ui.held_out_views import close_warning
from ui.i18n import _, current_language, ngettext, refusal
from ui.markdown_text import heard_only
from ui.plain import plain

LIVE_PAGE = "screens/facilitator/live.py"
PRESENT_PAGE = "screens/facilitator/present.py"
STATUS_BADGE = {
    "draft": ":gray[{status}]",
    "open": ":green[**{status}**]",
    "closing": ":orange[**{status}**]",
    "closed": "{status}",
}
"""How each status is marked; the word itself comes from the catalogue."""


def moment_name(moment: str) -> str:
    return _(msgid_of(MOMENT_NAMES, moment))


def kind_name(kind: str) -> str:
    return _(msgid_of(SESSION_KIND_NAMES, kind))


_PLAN_BASE = "_new_plan_base"
_PLAN_VERSION = "_new_plan_version"
_CREATED = "_created_programmes"


def new_programme(store: Store) -> int | None:
    """Create a programme from the editable four-month template.

    The timeline editor keeps its own key for as long as the facilitator edits
    it: renaming a group or moving the first date never undoes timeline edits
    (they used to, because the key held both); "Rebuild" re-applies the
    template on request. Pressing Create twice creates one programme: the same
    form, once created, selects the programme made from it.
    """
    name = st.text_input(
        _("Programme name"),
        placeholder=_("e.g. Children's services 2027"),
        key="new_name",
    )
    groups = st.data_editor(
        pd.DataFrame(
            {"group": ["Social work", "Education"], "expected headcount": [9, 8]}
        ),
        num_rows="dynamic",
        key="new_groups",
        column_config={
            "group": st.column_config.TextColumn(_("Group")),
            "expected headcount": st.column_config.NumberColumn(
                _("Expected headcount"), min_value=0, step=1
            ),
        },
    )
    left, right = st.columns(2)
    k = left.number_input(
        _("Anonymity minimum k"),
        min_value=words.MIN_K,
        value=5,
        step=1,
        help=_(
            "No figure is shown for fewer than k answers (never below {min})."
        ).format(min=words.MIN_K),
    )
    start = right.date_input(_("First session"), value=date.today(), key="new_start")
    group_names = [str(g).strip() for g in groups["group"].dropna() if str(g).strip()]
    if _PLAN_BASE not in st.session_state:
        _rebuild_plan(group_names, start)
    st.markdown(
        _(
            "**Timeline** — from the template “{template}”; edit freely. "
            "Dates skip weekends and 24 December–1 January."
        ).format(template=_(TEMPLATE_NAME))
    )
    plan = st.data_editor(
        st.session_state[_PLAN_BASE],
        num_rows="dynamic",
        key=f"new_plan-{st.session_state.get(_PLAN_VERSION, 0)}",
        column_config={
            "title": st.column_config.TextColumn(_("Title")),
            "date": st.column_config.DateColumn(_("Date")),
            "kind": st.column_config.SelectboxColumn(
                _("Kind"),
                options=programmes.SESSION_KINDS,
                format_func=kind_name,
            ),
            **{
                m: st.column_config.CheckboxColumn(moment_name(m).capitalize())
                for m in MOMENTS
            },
        },
        width="stretch",
    )
    st.button(
        _("Rebuild the timeline from the groups and first date"),
        help=_("Replaces your timeline edits with the template's sessions."),
        on_click=_rebuild_plan,
        args=(group_names, start),
    )
    if not st.button(_("Create programme"), type="primary"):
        return None
    group_rows = [
        (str(r["group"]).strip(), _int_or_none(r["expected headcount"]))
        for _index, r in groups.iterrows()
        if not pd.isna(r["group"]) and str(r["group"]).strip()
    ]
    sessions = _plan_from_frame(plan)
    fingerprint = repr((name.strip(), group_rows, sessions, int(k)))
    created: dict[str, int] = st.session_state.setdefault(_CREATED, {})
    if fingerprint in created and created[fingerprint] in dict(
        programmes.list_programmes(store)
    ):
        return created[fingerprint]  # a second press of the same form
    try:
        programme_id = programmes.create_from_plan(
            store, name, group_rows, sessions, k=int(k)
        )
    except ValueError as problem:
        st.error(plain(refusal(problem)))
        return None
    # Recorded before anything else is drawn: a second click that interrupts
    # this run finds it.
    created[fingerprint] = programme_id
    return programme_id


def _rebuild_plan(group_names: list[str], start: date) -> None:
    st.session_state[_PLAN_BASE] = _plan_frame(four_month_template(group_names, start))
    st.session_state[_PLAN_VERSION] = st.session_state.get(_PLAN_VERSION, 0) + 1


def _plan_frame(plan: list[SessionPlan]) -> pd.DataFrame:
    return pd.DataFrame(
        [
            {
                "title": s.title,
                "kind": s.kind,
                "date": s.date,
                **{m: m in s.moments for m in MOMENTS},
            }
            for s in plan
        ]
    )


def _plan_from_frame(frame: pd.DataFrame) -> list[SessionPlan]:
    plans = []
    for _index, row in frame.iterrows():
        if pd.isna(row["title"]) or not str(row["title"]).strip():
            continue
        when = row["date"] if not pd.isna(row["date"]) else date.today()
        moments = tuple(m for m in MOMENTS if bool(row.get(m)))
        plans.append(
            SessionPlan(str(row["title"]), str(row["kind"] or "session"), when, moments)
        )
    return plans


def _int_or_none(value: object) -> int | None:
    return None if value is None or pd.isna(value) else int(value)


def programme_settings(store: Store, programme_id: int) -> None:
    programme = programmes.get_programme(store, programme_id)
    with st.form(f"settings-{programme_id}"):
        name = st.text_input(_("Name"), value=programme.name)
        k = st.number_input(
            _("Anonymity minimum k"), min_value=words.MIN_K, value=programme.k, step=1
        )
        language = st.selectbox(
            _("Language of the report and CSV headers"),
            LANGUAGES,
            index=LANGUAGES.index(programme.language),
            format_func=LANGUAGE_NAMES.get,
            help=_("Participants still choose their own language when they answer."),
        )
        if st.form_submit_button(_("Save")):
            try:
                programmes.update_programme(store, programme_id, name, int(k))
                programmes.set_programme_language(store, programme_id, language)
                st.rerun()
            except ValueError as problem:
                st.error(plain(refusal(problem)))
    st.markdown(_("**Groups** (rename, set expected headcount, or add one)"))
    for group in programme.groups:
        with st.form(f"group-{group.id}", border=False):
            left, mid, right = st.columns([3, 2, 1], vertical_alignment="bottom")
            new_name = left.text_input(_("Group"), value=group.name)
            expected = mid.number_input(
                _("Expected headcount"), min_value=0, value=group.expected or 0
            )
            if right.form_submit_button(_("Save")):
                programmes.save_group(
                    store, programme_id, new_name, int(expected) or None, group.id
                )
                st.rerun()
    with st.form(f"group-new-{programme_id}", border=False):
        left, mid, right = st.columns([3, 2, 1], vertical_alignment="bottom")
        new_name = left.text_input(_("New group"))
        expected = mid.number_input(_("Expected headcount"), min_value=0, value=0)
        if right.form_submit_button(_("Add")) and new_name.strip():
            programmes.save_group(store, programme_id, new_name, int(expected) or None)
            st.rerun()


def timeline_view(store: Store, programme_id: int) -> None:
    """Sessions in order, each with its pulses and their controls."""
    closing.finish_due(store)
    questions = [
        q for q in programmes.programme_questions(store, programme_id) if not q.retired
    ]
    for session in programmes.timeline(store, programme_id):
        with st.container(border=True):
            when = plain(session.date) if session.date else _("no date")
            st.markdown(f"**{when} · {plain(session.title)}**")
            st.caption(plain(kind_name(session.kind)))
            for pulse in session.pulses:
                _pulse_row(store, programme_id, pulse, session.title)
            left, right = st.columns(2)
            with left.popover(_("Add a pulse")):
                _add_pulse_form(store, session.id, questions)
            with right.popover(_("Edit session")):
                _edit_session_form(store, session)
    with st.popover(_("Add a session")), st.form(f"add-session-{programme_id}"):
        title = st.text_input(_("Title"))
        kind = st.selectbox(_("Kind"), programmes.SESSION_KINDS, format_func=kind_name)
        when = st.date_input(_("Date"), value=date.today())
        if st.form_submit_button(_("Add session")) and title.strip():
            programmes.add_session(
                store, programme_id, title, kind=kind, date=when.isoformat()
            )
            st.rerun()


def _pulse_row(
    store: Store, programme_id: int, pulse: programmes.PulseRow, session_title: str
) -> None:
    info, status, actions = st.columns([3, 2, 4], vertical_alignment="center")
    moment = moment_name(pulse.moment)
    info.markdown(
        _("{moment} · {form} · `{code}`").format(
            moment=moment.capitalize(),
            form=_(msgid_of(FORM_NAMES, pulse.form)),
            code=pulse.code,
        )
    )
    badge = STATUS_BADGE[pulse.status].format(
        status=_(msgid_of(PULSE_STATUS_NAMES, pulse.status))
    )
    answers = ngettext("{n} answer", "{n} answers", pulse.responses)
    status.markdown(f"{badge} · {answers.format(n=pulse.responses)}")
    buttons = actions.columns(3)
    row = {"moment": moment, "code": pulse.code}  # heard: which row

    def said(visible: str, spoken: str) -> str:
        return heard_only(_(visible), _(spoken).format(**row))

    if pulse.status == "open":
        with buttons[0].container(key=f"close-{pulse.id}"):
            _close_with_confirmation(
                store, pulse.id, _(a11y.PULSE_ROW).format(**row), session_title
            )
    elif pulse.status == "closing":
        if buttons[0].button(
            said(N_("Keep open"), a11y.PULSE_ROW), key=f"keep-open-{pulse.id}"
        ):
            closing.keep_open(store, pulse.id)
            st.rerun()
    elif buttons[0].button(
        said(N_("Open"), a11y.PULSE_ROW)
        if pulse.status == "draft"
        else said(N_("Reopen"), a11y.PULSE_ROW),
        key=f"open-{pulse.id}",
        type="primary" if pulse.status == "draft" else "secondary",
    ):
        programmes.open_pulse(store, pulse.id)
        st.rerun()
    params = {"programme": str(programme_id), "pulse": str(pulse.id)}
    if buttons[1].button(
        said(N_("Present"), a11y.PULSE_ROW), key=f"present-{pulse.id}"
    ):
        st.switch_page(PRESENT_PAGE, query_params=params)
    if buttons[2].button(said(N_("Live"), a11y.LIVE_ROW), key=f"live-{pulse.id}"):
        st.switch_page(LIVE_PAGE, query_params=params)


def _close_with_confirmation(
    store: Store, pulse_id: int, named: str, session_title: str
) -> None:
    """Close asks first, then leaves a grace period for forms already open.

    A timeline has a Close per open pulse, so the button is heard with the
    pulse it acts on ("Close the during pulse K7PX2M"), and the question and
    the confirming button name it in words everyone sees. It also says how
    many answers are waiting and that too few at Close are counted but not
    kept (``storage.held_out``), before anything happens.
    """
    with st.popover(heard_only(_("Close"), named)):
        st.markdown(
            _(
                "**Close {pulse} ({session})?** People who have the form open get "
                "{seconds} seconds to send it; the countdown shows on Present and "
                "Live. After that no answers are taken."
            ).format(
                pulse=plain(named),
                session=plain(session_title),
                seconds=closing.GRACE_SECONDS,
            )
        )
        st.caption(close_warning(held_out.waiting_at_close(store, pulse_id)))
        if st.button(
            _("Close {pulse} in {seconds} s").format(
                pulse=plain(named), seconds=closing.GRACE_SECONDS
            ),
            key=f"confirm-close-{pulse_id}",
            type="primary",
        ):
            closing.begin_closing(store, pulse_id)
            st.rerun()


def _add_pulse_form(
    store: Store, session_id: int, questions: list[programmes.QuestionRow]
) -> None:
    with st.form(f"add-pulse-{session_id}", border=False):
        moment = st.selectbox(_("Moment"), MOMENTS, format_func=moment_name)
        form = st.radio(
            _("Questions"),
            ["full", "short", "custom"],
            format_func={
                "full": _("Full form (before / after)"),
                "short": _("Short form (during)"),
                "custom": _("Pick questions"),
            }.__getitem__,
        )
        picked = st.multiselect(
            _("Questions for a custom pulse"),
            [q.id for q in questions],
            format_func={
                q.id: f"{_(dimension_label(q.dimension))}: "
                f"{text_in(current_language(), q.text, q.text_cy)}"
                for q in questions
            }.__getitem__,
        )
        if st.form_submit_button(_("Add pulse")):
            try:
                programmes.add_pulse(store, session_id, moment, form, picked)
                st.rerun()
            except ValueError as problem:
                st.error(plain(refusal(problem)))


def _edit_session_form(store: Store, session: programmes.SessionRow) -> None:
    with st.form(f"edit-session-{session.id}", border=False):
        title = st.text_input(_("Title"), value=session.title)
        kinds = list(programmes.SESSION_KINDS)
        kind = st.selectbox(
            _("Kind"),
            kinds,
            index=kinds.index(session.kind) if session.kind in kinds else 0,
            format_func=kind_name,
        )
        when = st.date_input(
            _("Date"), value=date.fromisoformat(session.date) if session.date else None
        )
        save, remove = st.columns(2)
        if save.form_submit_button(_("Save")):
            programmes.update_session(
                store, session.id, title, kind, when.isoformat() if when else None
            )
            st.rerun()
        if remove.form_submit_button(_("Delete session")):
            try:
                programmes.delete_session(store, session.id)
                st.rerun()
            except ValueError as problem:
                st.error(plain(refusal(problem)))


def delete_answers(store: Store, programme_id: int) -> None:
    """Delete all answers of the programme, after typing DELETE to confirm."""
    st.warning(
        _(
            "Deleting answers removes every answer, score, comment and device "
            "record of this programme's pulses. It cannot be undone."
        )
    )
    # The word to type is the page's own ("DILEU" in Welsh); the English one
    # works too, so a facilitator following English notes is not refused.
    word = _("DELETE")
    with st.form(f"delete-{programme_id}"):
        typed = st.text_input(_("Type {word} to confirm").format(word=word))
        if st.form_submit_button(_("Delete all answers"), type="primary"):
            if typed.strip() in (word, "DELETE"):
                deleted = responses.delete_programme_responses(store, programme_id)
                st.success(
                    ngettext(
                        "Deleted {n} response.", "Deleted {n} responses.", deleted
                    ).format(n=deleted)
                )
            else:
                st.error(
                    _("Nothing deleted: type {word} to confirm.").format(word=word)
                )
