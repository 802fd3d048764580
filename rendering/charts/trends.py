"""Programme charts: each dimension over time, group gaps, agreement."""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import altair as alt
import pandas as pd

from rendering.charts.style import (
    AGREEMENT_COLUMNS,
    AGREEMENT_LABEL,
    AGREEMENT_THRESHOLD,
    CONCAT_WIDTH,
    FONT_SIZE,
    GAP_COLUMNS,
    MARKER_COLUMNS,
    MUTED_COLOUR,
    PANEL_HEIGHT,
    TEXT_COLOUR,
    TREND_COLUMNS,
    _configure,
    _dimension_colours,
    _empty_chart,
    _group_colour,
    _haloed,
    _hidden_note,
    _interval_text,
    _is_empty,
    _ordered,
    _pulse_axis,
    _pulses,
    _require,
    _scale_1_to_7,
    _title,
    average_channel,
    clip_to_scale,
    group_colours,
    shown_groups,
    tooltips,
)
from survey.i18n import N_, Translator, translations
from survey.instrument import SCALE_HIGH, SCALE_LOW
from survey.words import EVERYONE, FOLLOW_UP


def _dimension_words(labels: pd.Series, tr: Translator) -> pd.Series:
    """Dimension labels (English msgids, or a custom dimension's own name) in
    the chart's language."""
    return labels.astype(str).map(tr.gettext)


def trend_chart(
    df: pd.DataFrame,
    markers: pd.DataFrame | None = None,
    *,
    dimension_label: str | None = None,
    k: int | None = None,
    language: str = "en",
) -> Any:
    """Average answer per pulse across the programme, with 95% interval bands.

    ``df`` has one row per pulse and group (for one dimension):

    - ``pulse_label`` (str): e.g. "Joint workshop, day 1 · after".
    - ``order`` (number): position on the timeline; the x axis sorts by it.
    - ``date`` (ISO date str), shown in the tooltip.
    - ``group`` (str): "Everyone", "Social work", ... (coloured, Okabe-Ito).
    - ``mean`` (float 1..7), ``low``/``high`` (float): 95% interval.
    - ``n`` (int): responses behind the figure, shown in the tooltip.
    - ``is_follow_up`` (bool): pulses of the follow-up; a solid vertical rule
      labelled "Follow-up" marks where the follow-up starts.
    - optional ``dimension_label`` (str): with several dimensions, pass
      ``dimension_label=`` to draw one of them (best in a page: one chart per
      dimension fills the container width); without it, one panel per
      dimension is stacked in a fixed-width chart.

    ``markers`` (optional) has columns ``label`` (str, e.g. "Agreed: joint case
    reviews") and ``order`` (number on the same timeline as the pulses; a
    fractional order sits between two pulses): each is drawn as a dashed
    vertical rule with its label near the bottom of the chart.
    ``dimension_label`` also names the dimension in the title. Dimension
    labels are given in English (the catalogue's msgids) and drawn in
    ``language``.
    """
    tr = translations(language)
    how = tr.gettext("{dimension}: how it changed")
    heading = (
        how.format(dimension=tr.gettext(dimension_label)) if dimension_label else None
    )
    title = heading or tr.gettext("How the answers changed over the programme")
    subtitle = _trend_subtitle(markers, k, tr)
    if _is_empty(df):
        return _empty_chart(title, subtitle, tr)
    _require(df, TREND_COLUMNS, "trend_chart")
    if not _is_empty(markers):
        _require(markers, MARKER_COLUMNS, "trend_chart markers")

    data = df.copy()
    if dimension_label is not None and "dimension_label" in data:
        data = data[data["dimension_label"].astype(str) == dimension_label]
        if data.empty:
            return _empty_chart(title, subtitle, tr)
    if "dimension_label" in data.columns:
        data["dimension_label"] = _dimension_words(data["dimension_label"], tr)
    data["is_follow_up"] = data["is_follow_up"].fillna(False).astype(bool)
    data["group"] = shown_groups(data["group"], tr)
    data["pulse_label"] = data["pulse_label"].astype(str)
    data["date"] = data["date"].astype(str)
    data = clip_to_scale(data)
    data["interval"] = _interval_text(data["low"], data["high"], tr)
    timeline = _Timeline.of(data, tr)
    return _by_dimension(
        data,
        lambda part, **size: _trend_panel(part, timeline, markers, **size),
        dimension_label,
        title,
        subtitle,
        how,
    )


def _by_dimension(
    data: pd.DataFrame,
    panel: Callable[..., alt.Chart],
    chosen: str | None,
    title: str,
    subtitle: list[str],
    one_title: str,
) -> alt.Chart:
    """One panel per dimension, stacked with the chart's title; or, for one
    dimension, one panel filling the container, titled ``one_title`` unless a
    dimension was ``chosen`` (then ``title`` stays)."""
    dimensions = (
        _ordered(data["dimension_label"].astype(str))
        if "dimension_label" in data.columns
        else []
    )
    if len(dimensions) > 1:
        panels = [
            panel(
                data[data["dimension_label"].astype(str) == d],
                title=d,
                width=CONCAT_WIDTH,
            )
            for d in dimensions
        ]
        return _stacked(panels, title, subtitle)
    if chosen is None and len(dimensions) == 1:
        title = one_title.format(dimension=dimensions[0])
    single = panel(data, title=None, width="container")
    return _configure(single.properties(title=_title(title, subtitle)))


def _trend_subtitle(
    markers: pd.DataFrame | None, k: int | None, tr: Translator
) -> list[str]:
    lines = [
        tr.gettext(
            "Average answer per pulse (line) with its {percent} interval (shaded band)."
        ).format(percent="95%")
    ]
    if not _is_empty(markers):
        lines.append(tr.gettext("Dashed lines: actions agreed in the sessions."))
    lines.append(_hidden_note(k, tr))
    return lines


@dataclass(frozen=True)
class _Timeline:
    """What every panel of one timeline chart shares: the pulses along x, the
    group colours (the same in every panel) and the language."""

    pulses: pd.DataFrame
    domain: list[str]
    colours: list[str]
    tr: Translator

    @classmethod
    def of(cls, data: pd.DataFrame, tr: Translator) -> _Timeline:
        domain, colours = group_colours(data["group"], tr.gettext(EVERYONE))
        return cls(_pulses(data), domain, colours, tr)

    def x(self, extra: Sequence[float] = ()) -> tuple[alt.X, alt.Scale]:
        """The x channel (pulse order, ticks named by pulse) and its scale,
        widened to reach ``extra`` orders (e.g. markers between pulses)."""
        x_axis, x_scale = _pulse_axis(self.pulses, extra, self.tr)
        return alt.X("order:Q", scale=x_scale, axis=x_axis), x_scale

    def group_lines(
        self, data: pd.DataFrame, x: alt.X, y: alt.Y, tooltip: list[Any]
    ) -> list[Any]:
        """One line per group through its points, the points carrying the
        tooltip: how every timeline panel draws a figure per pulse."""
        colour = _group_colour(self.domain, self.colours, tr=self.tr)
        base = alt.Chart(data)
        return [
            base.mark_line(strokeWidth=3).encode(
                x=x, y=y, color=colour, detail="group:N"
            ),
            base.mark_circle(size=110, opacity=1).encode(
                x=x, y=y, color=colour, tooltip=tooltip
            ),
        ]


def _panel(layers: list[Any], *, title: str | None, width: int | str) -> Any:
    """Layers as one panel of the usual height, titled when it is one of
    several (``title``) and not when it fills the chart (None)."""
    panel = alt.layer(*layers).properties(width=width, height=PANEL_HEIGHT)
    if title is not None:
        panel = panel.properties(title=alt.Title(title, fontSize=FONT_SIZE + 4))
    return panel


def _trend_panel(
    data: pd.DataFrame,
    timeline: _Timeline,
    markers: pd.DataFrame | None,
    *,
    title: str | None,
    width: int | str,
) -> alt.LayerChart:
    tr = timeline.tr
    extra = (
        [] if _is_empty(markers) else markers["order"].dropna().astype(float).tolist()
    )
    x, x_scale = timeline.x(extra)
    y_scale = _scale_1_to_7()
    tooltip = [
        *tooltips("pulse", "date", "group", "mean", "interval", "n", tr=tr),
    ]
    band = (
        alt.Chart(data)
        .mark_area(opacity=0.12)
        .encode(
            x=x,
            y=average_channel("low", y_scale, horizontal=False, tr=tr),
            y2="high:Q",
            color=_group_colour(timeline.domain, timeline.colours, tr=tr),
            detail="group:N",
        )
    )
    layers: list[Any] = [
        band,
        *timeline.group_lines(data, x, alt.Y("mean:Q", scale=y_scale), tooltip),
    ]
    layers += _follow_up_layers(timeline.pulses, x_scale, tr)
    layers += _marker_layers(markers, x_scale, tr)
    return _panel(layers, title=title, width=width)


def _follow_up_layers(
    pulses: pd.DataFrame, x_scale: alt.Scale, tr: Translator
) -> list[Any]:
    if "is_follow_up" not in pulses or not pulses["is_follow_up"].any():
        return []
    orders = pulses["order"].astype(float)
    follow = orders[pulses["is_follow_up"]]
    first = float(follow.min())
    before = orders[~pulses["is_follow_up"] & (orders < first)]
    at = (float(before.max()) + first) / 2 if len(before) else first - 0.4
    follow_up = tr.gettext(FOLLOW_UP)
    text = follow_up
    if "date" in pulses:
        date = str(pulses.loc[pulses["is_follow_up"], "date"].iloc[0])
        text = f"{follow_up} ({date})" if date and date != "nan" else follow_up
    frame = pd.DataFrame({"order": [at], "text": [text]})
    rule = (
        alt.Chart(frame)
        .mark_rule(color=TEXT_COLOUR, strokeWidth=2)
        .encode(x=alt.X("order:Q", scale=x_scale))
    )
    label = alt.Chart(frame).encode(
        x=alt.X("order:Q", scale=x_scale), y=alt.value(4), text="text:N"
    )
    return [
        rule,
        *_haloed(
            label,
            **_beside_rule(at, x_scale, gap=6),
            baseline="top",
            fontSize=FONT_SIZE,
            fontWeight="bold",
            color=TEXT_COLOUR,
        ),
    ]


def _beside_rule(at: float, x_scale: alt.Scale, *, gap: float) -> dict[str, Any]:
    """Text placement beside a vertical rule at ``at``: to its right in the
    left half of the timeline, to its left in the right half. The follow-up
    and late actions sit near the right end, where text drawn to the right
    ran off the chart and was cut."""
    low, high = (float(v) for v in x_scale.domain)
    if at - low <= (high - low) / 2:
        return {"align": "left", "dx": gap}
    return {"align": "right", "dx": -gap}


def _marker_layers(
    markers: pd.DataFrame | None, x_scale: alt.Scale, tr: Translator
) -> list[Any]:
    if _is_empty(markers):
        return []
    frame = markers[list(MARKER_COLUMNS)].dropna(subset=["order"]).copy()
    frame["label"] = frame["label"].astype(str)
    frame = frame.sort_values("order").reset_index(drop=True)
    frame["y"] = [PANEL_HEIGHT - 6 - 20 * (i % 3) for i in range(len(frame))]
    action_agreed = tr.gettext("Action agreed")
    x = alt.X("order:Q", scale=x_scale)
    rule = (
        alt.Chart(frame)
        .mark_rule(color=MUTED_COLOUR, strokeWidth=1.5, strokeDash=[6, 4])
        .encode(x=x, tooltip=[alt.Tooltip("label:N", title=action_agreed)])
    )
    layers: list[Any] = [rule]
    # One text layer per side: a mark's alignment is one value for all rows.
    side = [_beside_rule(float(o), x_scale, gap=5)["align"] for o in frame["order"]]
    for align in ("left", "right"):
        rows = frame[[s == align for s in side]]
        if rows.empty:
            continue
        label = alt.Chart(rows).encode(
            x=x,
            y=alt.Y("y:Q", scale=None),
            text="label:N",
            tooltip=[alt.Tooltip("label:N", title=action_agreed)],
        )
        layers += _haloed(
            label,
            align=align,
            baseline="bottom",
            dx=5 if align == "left" else -5,
            fontSize=FONT_SIZE - 1,
            color=MUTED_COLOUR,
            limit=240,
        )
    return layers


# ---------------------------------------------------------------- gap


def gap_chart(
    df: pd.DataFrame,
    *,
    dimension_label: str | None = None,
    k: int | None = None,
    language: str = "en",
) -> Any:
    """The difference between two groups per pulse: are the teams converging?

    ``df`` has one row per pulse and dimension, for ONE pair of groups:

    - ``pulse_label`` (str), ``order`` (number, timeline position).
    - ``dimension_label`` (str): one coloured line per dimension (Okabe-Ito);
      pass ``dimension_label=`` to draw only one.
    - ``gap`` (float): mean of ``group_a`` minus mean of ``group_b``.
    - ``low``/``high`` (float): 95% interval of the difference.
    - ``n_a``/``n_b`` (int): responses behind each group's mean (tooltip).
    - ``group_a``/``group_b`` (str): the two group names (same in every row).

    A solid line at zero means "no difference"; points moving towards it over
    time mean the teams are answering more alike.
    """
    tr = translations(language)
    title = tr.gettext("Are the teams converging?")
    if _is_empty(df):
        return _empty_chart(
            title,
            [
                tr.gettext(
                    "Difference in average answer between two groups per pulse."
                ),
                _hidden_note(k, tr),
            ],
            tr,
        )
    _require(df, GAP_COLUMNS, "gap_chart")
    data = df.copy()
    if dimension_label is not None:
        data = data[data["dimension_label"].astype(str) == dimension_label]
    pairs = data[["group_a", "group_b"]].astype(str).drop_duplicates()
    if len(pairs) > 1:
        raise ValueError("gap_chart draws one pair of groups; filter df to one pair.")
    if data.empty:
        return _empty_chart(title, [_hidden_note(k, tr)], tr)
    group_a, group_b = (str(v) for v in pairs.iloc[0])
    subtitle = [
        tr.gettext(
            "Difference in average answer ({group_a} minus {group_b}) per pulse, "
            "with its {percent} interval."
        ).format(group_a=group_a, group_b=group_b, percent="95%"),
        tr.gettext(
            "Above 0: {group_a} higher. Below 0: {group_b} higher. "
            "Nearer 0: the teams answer more alike."
        ).format(group_a=group_a, group_b=group_b),
        _hidden_note(k, tr),
    ]
    if dimension_label is not None:
        title = tr.gettext("{dimension}: are the teams converging?").format(
            dimension=tr.gettext(dimension_label)
        )

    data["dimension_label"] = _dimension_words(data["dimension_label"], tr)
    data["pulse_label"] = data["pulse_label"].astype(str)
    data["interval"] = _interval_text(data["low"], data["high"], tr)
    dimensions = _ordered(data["dimension_label"])
    # Nudge dimensions apart along x so their intervals do not overlap.
    shift = {d: (i - (len(dimensions) - 1) / 2) * 0.1 for i, d in enumerate(dimensions)}
    data["x"] = data["order"].astype(float) + data["dimension_label"].map(shift)
    pulses = _pulses(data)
    x_axis, x_scale = _pulse_axis(pulses, (), tr)

    values = pd.concat([data["gap"], data["low"], data["high"]]).abs()
    top = float(values.max()) if values.notna().any() else 1.0
    limit = min(max(math.ceil(top * 2) / 2 + 0.5, 1.0), SCALE_HIGH - SCALE_LOW)
    y_scale = alt.Scale(domain=[-limit, limit], nice=False, clamp=True)
    y_axis = alt.Axis(
        title=tr.gettext("Difference in mean ({group_a} − {group_b})").format(
            group_a=group_a, group_b=group_b
        ),
        labelExpr="datum.value > 0 ? '+' + format(datum.value, '.1f') "
        ": format(datum.value, '.1f')",
        tickCount=8,
    )
    dimension_scale = alt.Scale(domain=dimensions, range=_dimension_colours(dimensions))
    colour = alt.Color(
        "dimension_label:N",
        title=tr.gettext("Dimension"),
        scale=dimension_scale,
        sort=dimensions,
        legend=alt.Legend(orient="bottom", direction="horizontal"),
    )
    tooltip = [
        *tooltips("pulse", "dimension", tr=tr),
        alt.Tooltip("gap:Q", title=f"{group_a} − {group_b}", format="+.2f"),
        *tooltips("interval", tr=tr),
        alt.Tooltip("n_a:Q", title=f"{group_a} (n)"),
        alt.Tooltip("n_b:Q", title=f"{group_b} (n)"),
    ]
    x = alt.X("x:Q", scale=x_scale, axis=x_axis)
    base = alt.Chart(data)
    zero = pd.DataFrame({"y": [0.0], "text": [tr.gettext("No difference")]})
    layers = [
        alt.Chart(zero)
        .mark_rule(color=TEXT_COLOUR, strokeWidth=1.5)
        .encode(y=alt.Y("y:Q", scale=y_scale, axis=y_axis)),
        base.mark_rule(strokeWidth=3, opacity=0.6).encode(
            x=x,
            y=alt.Y("low:Q", scale=y_scale),
            y2="high:Q",
            color=colour,
        ),
        base.mark_line(strokeWidth=2.5).encode(
            x=x, y=alt.Y("gap:Q", scale=y_scale), color=colour
        ),
        base.mark_circle(size=110, opacity=1).encode(
            x=x, y=alt.Y("gap:Q", scale=y_scale), color=colour, tooltip=tooltip
        ),
        *_haloed(
            alt.Chart(zero).encode(y=alt.Y("y:Q", scale=y_scale), text="text:N"),
            align="left",
            baseline="top",
            x=4,
            dy=4,
            fontSize=FONT_SIZE - 1,
            color=MUTED_COLOUR,
        ),
    ]
    chart = alt.layer(*layers).properties(
        title=_title(title, subtitle), width="container", height=PANEL_HEIGHT
    )
    return _configure(chart)


# ---------------------------------------------------------------- agreement


def agreement_chart(
    df: pd.DataFrame,
    *,
    dimension_label: str | None = None,
    k: int | None = None,
    language: str = "en",
) -> Any:
    """Within-group agreement r*wg(j) per pulse: are we on the same page?

    ``df`` has one row per pulse, dimension and group:

    - ``pulse_label`` (str), ``order`` (number, timeline position).
    - ``dimension_label`` (str): pass ``dimension_label=`` to draw one
      dimension (best in a page); otherwise one panel per dimension is stacked.
    - ``group`` (str): coloured lines (Okabe-Ito, "Everyone" black).
    - ``rwg`` (float 0..1): Lindell's r*wg(j); 1 = identical answers,
      0 = no more agreement than random answers.
    - ``n`` (int): responses behind the figure, shown in the tooltip.

    A dashed horizontal rule marks the conventional 0.70 threshold, labelled
    "0.70: strong agreement".
    """
    tr = translations(language)
    same_page = tr.gettext("{dimension}: are we on the same page?")
    title = tr.gettext("Are we on the same page?")
    if dimension_label is not None:
        title = same_page.format(dimension=tr.gettext(dimension_label))
    subtitle = [
        tr.gettext(
            "Agreement within each group per pulse, r*wg(j): 1 = everyone answered "
            "alike, 0 = no more alike than random answers."
        ),
        tr.gettext(
            "Grey ticks: what random answering reaches (95%) with this many people."
        ),
        _hidden_note(k, tr),
    ]
    if _is_empty(df):
        return _empty_chart(title, subtitle, tr)
    _require(df, AGREEMENT_COLUMNS, "agreement_chart")
    data = df.copy()
    if dimension_label is not None:
        data = data[data["dimension_label"].astype(str) == dimension_label]
        if data.empty:
            return _empty_chart(title, subtitle, tr)
    data["dimension_label"] = _dimension_words(data["dimension_label"], tr)
    data["group"] = shown_groups(data["group"], tr)
    data["pulse_label"] = data["pulse_label"].astype(str)
    timeline = _Timeline.of(data, tr)
    return _by_dimension(
        data,
        lambda part, **size: _agreement_panel(part, timeline, **size),
        dimension_label,
        title,
        subtitle,
        same_page,
    )


# Optional columns of the agreement data, each a tooltip line when present
# (inserted after the group, in turn, so the last comes first).
_AGREEMENT_EXTRAS = (
    ("rwg_skewed", N_("Against lenient answering (stricter)")),
    ("random_band", N_("Random answering reaches")),
)


def _agreement_panel(
    data: pd.DataFrame, timeline: _Timeline, *, title: str | None, width: int | str
) -> alt.LayerChart:
    tr = timeline.tr
    x, _ = timeline.x()
    y_scale = alt.Scale(domain=[0, 1], nice=False, clamp=True)
    y_axis = alt.Axis(
        title=tr.gettext("Agreement within group, r*wg(j)"),
        values=[0, 0.2, 0.4, 0.6, 0.8, 1.0],
        format=".1f",
    )
    tooltip = [
        *tooltips("pulse", "dimension", "group", tr=tr),
        alt.Tooltip("rwg:Q", title=tr.gettext("Agreement r*wg(j)"), format=".2f"),
        *tooltips("n", tr=tr),
    ]
    for column, words in _AGREEMENT_EXTRAS:
        if column in data:
            tooltip.insert(
                4, alt.Tooltip(f"{column}:Q", title=tr.gettext(words), format=".2f")
            )
    threshold = pd.DataFrame(
        {"y": [AGREEMENT_THRESHOLD], "text": [tr.gettext(AGREEMENT_LABEL)]}
    )
    layers = [
        alt.Chart(threshold)
        .mark_rule(color=MUTED_COLOUR, strokeWidth=1.5, strokeDash=[6, 4])
        .encode(y=alt.Y("y:Q", scale=y_scale, axis=y_axis)),
        *timeline.group_lines(data, x, alt.Y("rwg:Q", scale=y_scale), tooltip),
        *(
            [
                alt.Chart(data)
                .mark_tick(color=MUTED_COLOUR, thickness=2, size=14)
                .encode(x=x, y=alt.Y("random_band:Q", scale=y_scale), tooltip=tooltip)
            ]
            if "random_band" in data
            else []
        ),
        *_haloed(
            alt.Chart(threshold).encode(y=alt.Y("y:Q", scale=y_scale), text="text:N"),
            align="left",
            baseline="bottom",
            x=4,
            dy=-4,
            fontSize=FONT_SIZE - 1,
            color=MUTED_COLOUR,
        ),
    ]
    return _panel(layers, title=title, width=width)


# ---------------------------------------------------------------- export


def _stacked(panels: list[Any], title: str, subtitle: Sequence[str]) -> Any:
    """One panel per dimension, one above the other, sharing group colours."""
    chart = alt.vconcat(*panels, spacing=36).properties(title=_title(title, subtitle))
    return _configure(chart.resolve_scale(color="shared"))
