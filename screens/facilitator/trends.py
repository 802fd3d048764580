"""Trends: how safety, connection and purpose moved from the first session to
the follow-up, per group and together, with figures an expert would accept."""

import streamlit as st

from survey.findings import (
    change_table,
    convergence_lines,
    dimensions_in,
    methods_note,
    phase_table,
    reliability_table,
    summary_lines,
    trend_lines,
)
from survey.instrument import dimension_label
from ui.access import require_facilitator
from ui.i18n import _, group_name
from ui.pickers import programme_picker
from ui.plain import plain
from ui.resources import shared_store
from ui.trend_views import (
    chart_specs,
    chart_with_downloads,
    gap_spec,
    programme_trends,
    wrapping_table,
)

store = shared_store()
require_facilitator(store)

st.title(_("Trends"))
programme_id = programme_picker(store)
if programme_id is None:
    st.stop()
result, version = programme_trends(store, programme_id)
if result.figures.empty:
    st.info(
        _(
            "No closed pulse has {k} or more answers yet. Trends appear once "
            "pulses are closed (open pulses are shown only in the live room)."
        ).format(k=result.k)
    )
    st.stop()

st.caption(
    _(
        "Closed pulses only. Nothing is shown for fewer than {k} answers; a group "
        "is also hidden when showing it would let someone work out a hidden group."
    ).format(k=result.k)
)
st.subheader(_("In a sentence"))
st.caption(
    _(
        "Each sentence comes from an interval and names the two pulses it "
        "compares; see “How to read these figures” at the end of the page."
    )
)
for line in summary_lines(result):
    st.markdown(f"- {plain(line)}")

specs = chart_specs(store.path, programme_id, version)
for dimension in dimensions_in(result):
    label = _(dimension_label(dimension))
    st.subheader(plain(label))
    chart_with_downloads(specs[f"trend-{dimension}"], f"trend-{dimension}")
    agreement = _("Are we on the same page? Agreement on {dimension}")
    with st.expander(agreement.format(dimension=plain(label.lower()))):
        chart_with_downloads(specs[f"agreement-{dimension}"], f"agreement-{dimension}")

if len(result.groups) >= 2:
    st.subheader(_("Are the teams converging?"))
    left, right = st.columns(2)
    group_a = left.selectbox(_("Group"), result.groups, index=0, format_func=group_name)
    group_b = right.selectbox(
        _("compared with"), result.groups, index=1, format_func=group_name
    )
    if group_a != group_b:
        chart_with_downloads(
            gap_spec(store.path, programme_id, version, group_a, group_b),
            f"gap-{group_a}-{group_b}",
        )
    for line in convergence_lines(result):
        st.markdown(f"- {plain(line)}")

st.subheader(_("What changed, and how sure we are"))
st.caption(
    _(
        "Later pulse minus first pulse, like with like. Holm-adjusted p: allows "
        "for every change in this table being read together. Hedges g: size in "
        "standard deviations, in words from the end of its interval nearest zero "
        "(0.2 small, 0.5 moderate, 0.8 large). Cliff's δ: how often a later "
        "answer beats an earlier one (−1 to +1). Share who agree: dimension "
        "score 5–7, Wilson interval."
    )
)
wrapping_table(change_table(result), _("What changed, and how sure we are"))
if result.of_kind("trend"):
    phases = _("**Phases of the programme** (contrasts, nothing extrapolated)")
    st.markdown(phases)
    for line in trend_lines(result):
        st.markdown(f"- {plain(line)}")
    # The region is named by the heading's own words, heard without the bold.
    wrapping_table(phase_table(result), phases.replace("**", ""))
st.markdown(_("**Reliability of each dimension** (within pulses)"))
st.dataframe(reliability_table(result), hide_index=True, width="stretch")
st.subheader(_("How to read these figures"))
for line in methods_note(result):
    st.markdown(f"- {plain(line)}")
