"""The live room fragment: counts every few seconds, released figures on Reveal."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from rendering import charts
from storage import comments, results
from storage.db import Store
from survey.instrument import dimension_label
from ui.held_out_views import held_out_line
from ui.i18n import _, counted, current_language, group_name, ngettext
from ui.plain import plain
from ui.present_views import closing_line
from ui.ticket_views import printed_cards_line

REFRESH_SECONDS = 3


@st.fragment(run_every=REFRESH_SECONDS)
def live_room_view(store: Store, pulse_id: int, revealed: bool) -> None:
    room = results.live_room(store, pulse_id)
    count_row(room.counts, by_group=revealed)
    printed_cards_line(store, pulse_id)
    if not room.released.shown:
        more = (
            ngettext("{n} more to go", "{n} more to go", room.waiting_for).format(
                n=room.waiting_for
            )
            if room.waiting_for
            else _(
                "a few more: some questions were skipped, and every question "
                "needs {k} answers"
            ).format(k=room.k)
        )
        st.info(
            _(
                "Results appear once at least {k} people have answered ({more}). "
                "Nothing is shown for fewer than {k}, to keep everyone anonymous."
            ).format(k=room.k, more=more)
        )
        if room.counts.held_out:
            st.caption(held_out_line(room.counts.held_out, room.k))
        return
    notes = []
    if room.counts.pending:
        notes.append(
            counted(
                "{n} newer answer joins them once at least {k} are waiting, so no "
                "change can be traced to one person.",
                "{n} newer answers join them once at least {k} are waiting, so no "
                "change can be traced to one person.",
                room.counts.pending,
                k=room.k,
            )
        )
    if room.counts.held_out:
        notes.append(held_out_line(room.counts.held_out, room.k))
    if notes:
        shown = counted(
            "Showing results from {n} answer.",
            "Showing results from {n} answers.",
            room.released.n,
        )
        st.caption(" ".join([shown, *notes]))
    if not revealed:
        st.caption(_("Results are ready. Press **Reveal results** when the room is."))
        return
    results_view(room.released)
    room_comments_view(store, pulse_id)


def count_row(room: results.RoomCounts, *, by_group: bool = True) -> None:
    """The total answered now, and per shown group how many are in the results.

    Per-group counts move only with releases: a group's count ticking up by
    one while people answer would say which group the last person is in. And
    they wait for Reveal: on a projector in a small room even released group
    counts hint at who picked what (issue 13).
    """
    counts = room.group_counts if by_group else {}
    columns = st.columns(1 + len(counts))
    columns[0].metric(
        _("Answers"),
        room.n_now,
        help=_("of {n} expected").format(n=room.total_expected)
        if room.total_expected
        else None,
    )
    for column, (group, n) in zip(columns[1:], counts.items(), strict=True):
        of = f" / {room.expected[group]}" if room.expected.get(group) else ""
        column.metric(
            plain(group_name(group)), f"{n}{of}", help=_("in the results so far")
        )
    if not by_group and room.group_counts:
        st.caption(_("Counts by group are shown once you reveal results."))


def closing_countdown(store: Store, pulse_id: int) -> None:
    """The grace period's countdown while a pulse is closing (every second)."""
    if closing_line(store, pulse_id) is None:
        return

    @st.fragment(run_every=1)
    def countdown() -> None:
        line = closing_line(store, pulse_id, _)
        if line is None:
            st.rerun(scope="app")
        st.warning(line, icon=":material/timer:")

    countdown()


def results_view(shown: results.PulseResults) -> None:
    """Distributions, and means with intervals (by group where safe)."""
    distribution, means = result_chart_specs(shown.to_json(), current_language())
    st.vega_lite_chart(distribution, width="stretch")
    st.vega_lite_chart(means, width="stretch")


def room_comments_view(store: Store, pulse_id: int) -> None:
    """Only the comments the facilitator chose (Comments page), in random order."""
    chosen = comments.room_comments(store, pulse_id)
    if chosen:
        st.markdown(_("**Comments** ({n}, in random order)").format(n=len(chosen)))
        for comment in chosen:
            with st.container(border=True):
                st.text(comment)


@st.cache_data(show_spinner=False, max_entries=64)
def result_chart_specs(snapshot: str, language: str = "en") -> tuple[dict, dict]:
    """Chart specs of a released snapshot in ``language``, built once: the live
    view refreshes every few seconds and an Altair build costs ~0.1 s; the
    snapshot only changes on release."""
    shown = results.PulseResults.from_json(snapshot)
    return (
        charts.distribution_chart(
            distribution_frame(shown), k=shown.k, language=language
        ).to_dict(),
        charts.means_chart(means_frame(shown), k=shown.k, language=language).to_dict(),
    )


def distribution_frame(shown: results.PulseResults) -> pd.DataFrame:
    return _frame(shown.distribution, charts.DISTRIBUTION_COLUMNS)


def means_frame(shown: results.PulseResults) -> pd.DataFrame:
    return _frame(shown.figures, charts.MEANS_COLUMNS)


def _frame(rows: list, columns: tuple[str, ...]) -> pd.DataFrame:
    """The chart's columns from result objects, with dimensions as people name
    them."""
    return pd.DataFrame(
        [
            {
                column: dimension_label(row.dimension)
                if column == "dimension_label"
                else getattr(row, column)
                for column in columns
            }
            for row in rows
        ],
        columns=list(columns),
    )
