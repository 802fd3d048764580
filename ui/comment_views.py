"""Comment review: the facilitator reads released comments privately and
chooses which the room sees (rules in ``survey.comment_rules``)."""

from __future__ import annotations

import streamlit as st

from storage import comments, programmes
from storage.db import Store
from survey.i18n import N_
from survey.words import MIN_K
from ui.held_out_views import comments_not_kept_line
from ui.i18n import _, counted, refusal


def comment_rule(store: Store, programme_id: int) -> None:
    """The programme's comment minimum (never below k)."""
    k = programmes.get_programme(store, programme_id).k
    current = comments.comment_minimum(store, programme_id)
    with st.form(f"comment-minimum-{programme_id}", border=False):
        minimum = st.number_input(
            _("Comment minimum"),
            min_value=max(k, MIN_K),
            value=current,
            step=1,
            help=_(
                "No comment of a pulse is seen, even by you, until the pulse has "
                "this many answers; later comments arrive in batches of at least "
                "this many answers. Never below k (Glint uses 10)."
            ),
        )
        if st.form_submit_button(_("Save comment minimum")):
            try:
                comments.set_comment_minimum(store, programme_id, int(minimum))
                st.rerun()
            except ValueError as problem:
                st.error(refusal(problem))


def review_panel(store: Store, pulse_id: int) -> None:
    """Released comments to choose from, and those already chosen."""
    review = comments.review(store, pulse_id)
    st.caption(
        _(
            "Comments reach you in batches: none before {n} answers, then after "
            "every {n} more, in random order, so no comment can be matched to the "
            "person who answered just before it. Only those you choose are shown "
            "in the live room."
        ).format(n=review.minimum)
    )
    if review.not_kept:
        st.info(comments_not_kept_line(review.not_kept, review.minimum))
    closed = programmes.pulse_by_id(store, pulse_id).status == "closed"
    if review.waiting_for and not closed:
        st.info(
            counted(
                "Comments from the latest answers appear after {n} more answer.",
                "Comments from the latest answers appear after {n} more answers.",
                review.waiting_for,
            )
        )
    _section(store, pulse_id, N_("To review"), review.to_review)
    _section(store, pulse_id, N_("Shown in the room"), review.shown)
    _section(store, pulse_id, N_("Kept from the room"), review.hidden)


_ACTIONS = {
    "review": ((N_("Show in the room"), True), (N_("Keep private"), False)),
    "shown": ((N_("Remove from the room"), False),),
    "hidden": ((N_("Show in the room"), True),),
}


def _section(
    store: Store, pulse_id: int, title: str, listed: list[comments.Comment]
) -> None:
    st.subheader(f"{_(title)} ({len(listed)})")
    for comment in listed:
        with st.container(border=True):
            st.text(comment.text)
            buttons = st.columns(4)
            for column, (label, show) in zip(
                buttons, _ACTIONS[comment.state], strict=False
            ):
                if column.button(_(label), key=f"{comment.state}-{show}-{comment.id}"):
                    comments.choose(store, pulse_id, comment.id, show)
                    st.rerun()
