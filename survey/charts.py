"""Altair chart builders for facilitators: data in, Altair chart out.

Every builder takes a pandas DataFrame whose columns are listed in its
docstring and returns a chart that explains itself on a projector: a title, a
subtitle saying what is shown (and that small groups are hidden), axis
titles, the answer-scale anchors ("1 Strongly disagree" ... "7 Strongly agree")
on 1-7 axes, the number of answers behind every figure in the tooltip, and
colour-blind-safe colours (Okabe-Ito for groups and dimensions, an
orange-grey-blue diverging list for the seven answer levels).

The builders only draw what they are given: the anonymity rules are applied
before the data reach this module (``storage.results``/``survey.disclosure``).
An empty DataFrame gives a chart that says "No results to show yet".

Charts are ``width="container"`` so they fill a Streamlit column; ``to_png``
and ``to_svg`` swap in a fixed width and render offline with vl-convert.
"""

from __future__ import annotations

import json
import math
import textwrap
from collections.abc import Iterable, Sequence
from itertools import cycle
from typing import Any

import altair as alt
import pandas as pd
import vl_convert as vlc

from survey.instrument import SCALE_HIGH, SCALE_LABELS, SCALE_LOW

EVERYONE = "Everyone"
NO_RESULTS = "No results to show yet"
FOLLOW_UP = "Follow-up"

# Okabe & Ito (2008), "Color Universal Design": distinguishable with every
# common colour-vision deficiency. Yellow (#F0E442) is left out: it is nearly
# invisible on a white background on a projector.
OKABE_ITO: dict[str, str] = {
    "black": "#000000",
    "orange": "#E69F00",
    "sky blue": "#56B4E9",
    "bluish green": "#009E73",
    "yellow": "#F0E442",
    "blue": "#0072B2",
    "vermillion": "#D55E00",
    "reddish purple": "#CC79A7",
}
EVERYONE_COLOUR = OKABE_ITO["black"]
GROUP_COLOURS: tuple[str, ...] = (
    OKABE_ITO["blue"],
    OKABE_ITO["orange"],
    OKABE_ITO["bluish green"],
    OKABE_ITO["reddish purple"],
    OKABE_ITO["sky blue"],
    OKABE_ITO["vermillion"],
)
DIMENSION_COLOURS: tuple[str, ...] = (
    OKABE_ITO["vermillion"],
    OKABE_ITO["bluish green"],
    OKABE_ITO["reddish purple"],
    OKABE_ITO["sky blue"],
    OKABE_ITO["orange"],
    OKABE_ITO["blue"],
)
# Seven answer levels: ColorBrewer PuOr oranges (disagree), a mid grey for the
# neutral middle, ColorBrewer RdBu blues (agree). Orange-blue is the diverging
# pair that stays readable with red-green colour blindness, and every step
# differs in lightness too, so it also survives greyscale printing.
LEVEL_COLOURS: tuple[str, ...] = (
    "#B35806",
    "#E08214",
    "#FDB863",
    "#BDBDBD",
    "#92C5DE",
    "#4393C3",
    "#2166AC",
)

AGREEMENT_THRESHOLD = 0.70
AGREEMENT_LABEL = "0.70: strong agreement"

LEVELS: tuple[int, ...] = tuple(range(SCALE_LOW, SCALE_HIGH + 1))
TEXT_COLOUR = "#222222"
MUTED_COLOUR = "#555555"
FONT_SIZE = 14
TITLE_SIZE = 22
SUBTITLE_SIZE = 15
PANEL_HEIGHT = 320
EXPORT_WIDTH = 960
CONCAT_WIDTH = 760
# Up to this many pulses, x labels are wrapped; beyond it they are angled.
WRAPPED_PULSES = 6

DISTRIBUTION_COLUMNS = ("dimension_label", "level", "count", "n")
MEANS_COLUMNS = ("dimension_label", "group", "mean", "low", "high", "n")
TREND_COLUMNS = (
    "pulse_label",
    "order",
    "date",
    "group",
    "mean",
    "low",
    "high",
    "n",
    "is_follow_up",
)
MARKER_COLUMNS = ("label", "order")
GAP_COLUMNS = (
    "pulse_label",
    "order",
    "dimension_label",
    "gap",
    "low",
    "high",
    "n_a",
    "n_b",
    "group_a",
    "group_b",
)
AGREEMENT_COLUMNS = ("pulse_label", "order", "dimension_label", "group", "rwg", "n")


# ---------------------------------------------------------------- helpers


def level_label(level: int) -> str:
    """The legend/axis text of an answer level, e.g. ``"1 Strongly disagree"``."""
    return f"{level} {SCALE_LABELS[level]}"


def level_label_lines(level: int) -> list[str]:
    """An anchor label broken into short lines for a horizontal axis."""
    return [str(level), *textwrap.wrap(SCALE_LABELS[level], 13)]


def group_colours(groups: Iterable[object]) -> tuple[list[str], list[str]]:
    """Colour scale (domain, range) for groups: "Everyone" black and first,
    the others Okabe-Ito colours in the order they first appear."""
    names = list(dict.fromkeys(str(g) for g in groups))
    if EVERYONE in names:
        names.remove(EVERYONE)
        names.insert(0, EVERYONE)
    others = cycle(GROUP_COLOURS)
    colours = [EVERYONE_COLOUR if name == EVERYONE else next(others) for name in names]
    return names, colours


def _group_colour(
    domain: list[str], colours: list[str], *, legend: bool = True
) -> alt.Color:
    return alt.Color(
        "group:N",
        title="Group",
        scale=alt.Scale(domain=domain, range=colours),
        sort=domain,
        legend=alt.Legend(orient="bottom", direction="horizontal") if legend else None,
    )


def _dimension_colours(dimensions: Sequence[str]) -> list[str]:
    palette = cycle(DIMENSION_COLOURS)
    return [next(palette) for _ in dimensions]


def _literal(value: object) -> str:
    """A Vega expression literal (JSON is valid Vega expression syntax)."""
    return json.dumps(value, ensure_ascii=False)


def _label_expr(labels: dict[float, object]) -> str:
    """A Vega ``labelExpr`` mapping tick values to text (or lists of lines)."""
    expr = "''"
    for value, text in reversed(list(labels.items())):
        expr = f"datum.value == {_literal(value)} ? {_literal(text)} : {expr}"
    return expr


def _anchor_axis(title: str, *, horizontal: bool) -> alt.Axis:
    """An axis over the 1-7 answer scale with a tick and anchor text per level."""
    labels: dict[float, object] = {
        level: level_label_lines(level) if horizontal else level_label(level)
        for level in LEVELS
    }
    return alt.Axis(
        title=title,
        values=list(LEVELS),
        labelExpr=_label_expr(labels),
        labelAngle=0,
        labelLimit=0 if horizontal else 220,
        labelFlush=False,
        labelPadding=6,
        description=(
            f"Answer scale from {level_label(SCALE_LOW)} to {level_label(SCALE_HIGH)}"
        ),
    )


def _scale_1_to_7() -> alt.Scale:
    return alt.Scale(domain=[SCALE_LOW, SCALE_HIGH], nice=False, zero=False, clamp=True)


def _hidden_note(k: int | None) -> str:
    if k is None:
        return "Groups with too few answers are not shown, to protect anonymity."
    return f"Groups with fewer than {k} answers are not shown."


def _title(text: str, subtitle: Sequence[str]) -> alt.Title:
    return alt.Title(text=text, subtitle=list(subtitle), anchor="start")


def _configure(chart: Any) -> Any:
    """Projector-friendly type sizes and quiet gridlines (top-level only).

    ``fit-x`` autosize: the width follows the container, while the height stays
    the plot's own. Streamlit's default ("fit", padding included) squeezes the
    plot to nothing once titles, angled pulse labels and legends take their room.
    """
    return (
        chart.properties(autosize=alt.AutoSizeParams(type="fit-x", contains="padding"))
        .configure(font="sans-serif")
        .configure_title(
            fontSize=TITLE_SIZE,
            subtitleFontSize=SUBTITLE_SIZE,
            color=TEXT_COLOUR,
            subtitleColor=MUTED_COLOUR,
            subtitlePadding=6,
            offset=14,
            anchor="start",
        )
        .configure_axis(
            labelFontSize=FONT_SIZE,
            titleFontSize=FONT_SIZE + 1,
            labelColor=TEXT_COLOUR,
            titleColor=TEXT_COLOUR,
            titleFontWeight="bold",
            gridColor="#E4E4E4",
            domainColor="#888888",
            tickColor="#888888",
        )
        .configure_legend(
            labelFontSize=FONT_SIZE,
            titleFontSize=FONT_SIZE + 1,
            labelColor=TEXT_COLOUR,
            titleColor=TEXT_COLOUR,
            symbolSize=180,
            symbolOpacity=1,
            labelLimit=320,
        )
        .configure_header(labelFontSize=FONT_SIZE + 2, titleFontSize=FONT_SIZE + 2)
        .configure_view(stroke=None)
    )


def _empty_chart(title: str, subtitle: Sequence[str]) -> alt.Chart:
    """A valid chart for "nothing yet": the title and a short message."""
    chart = (
        alt.Chart(pd.DataFrame({"message": [NO_RESULTS]}))
        .mark_text(fontSize=18, color=MUTED_COLOUR)
        .encode(text=alt.Text("message:N"))
        .properties(title=_title(title, subtitle), width="container", height=120)
    )
    return _configure(chart)


def _is_empty(df: pd.DataFrame | None) -> bool:
    return df is None or len(df) == 0


def _require(df: pd.DataFrame, columns: Sequence[str], builder: str) -> None:
    missing = [c for c in columns if c not in df.columns]
    if missing:
        raise ValueError(
            f"{builder} needs the columns {', '.join(columns)}; "
            f"missing: {', '.join(missing)}."
        )


def _ordered(values: Iterable[object]) -> list[str]:
    return list(dict.fromkeys(str(v) for v in values))


def _haloed(chart: alt.Chart, **mark: Any) -> list[alt.Chart]:
    """A text layer drawn twice, white outline first, so it stays readable
    where it crosses lines or bands."""
    halo = chart.mark_text(
        **mark, stroke="white", strokeWidth=4, strokeJoin="round", opacity=1
    )
    return [halo, chart.mark_text(**mark)]


def _pulse_axis(
    pulses: pd.DataFrame, extra: Iterable[float] = ()
) -> tuple[alt.Axis, alt.Scale]:
    """x encoding pieces for the timeline: a numeric ``order`` scale whose ticks
    are the pulses, labelled with their (wrapped) names."""
    orders = [float(o) for o in pulses["order"]]
    names = [str(label) for label in pulses["pulse_label"]]
    angled = len(orders) > WRAPPED_PULSES
    labels: dict[float, object] = {
        o: name if angled else (textwrap.wrap(name, 16) or [""])
        for o, name in zip(orders, names, strict=True)
    }
    low, high = min([*orders, *extra]), max([*orders, *extra])
    axis = alt.Axis(
        title="Pulse, in programme order",
        values=orders,
        labelExpr=_label_expr(labels),
        labelAngle=-35 if angled else 0,
        labelAlign="right" if angled else "center",
        labelBaseline="top",
        labelLimit=260,
        labelOverlap=False,
        labelPadding=6,
        grid=False,
    )
    scale = alt.Scale(domain=[low - 0.5, high + 0.5], nice=False, zero=False)
    return axis, scale


def _pulses(df: pd.DataFrame) -> pd.DataFrame:
    """One row per pulse, in timeline order."""
    columns = ["order", "pulse_label"]
    extra = [c for c in ("date", "is_follow_up") if c in df.columns]
    return (
        df[columns + extra]
        .drop_duplicates(subset=["order"])
        .sort_values("order")
        .reset_index(drop=True)
    )


# ---------------------------------------------------------------- distribution


def distribution_chart(df: pd.DataFrame, *, k: int | None = None) -> Any:
    """Diverging stacked bars: how the answers spread over the seven levels.

    ``df`` has one row per dimension and answer level:

    - ``dimension_label`` (str): e.g. "Psychological safety"; bars follow the
      order of first appearance.
    - ``level`` (int 1..7): the answer, already reverse-scored for negatively
      worded items (so "agree" is always the favourable side).
    - ``count`` (int): answers at that level.
    - ``n`` (int): responses (people) behind the dimension, shown in tooltips.

    Missing levels count as 0. Each bar is centred on the neutral level (half
    of level 4 on each side): disagreement extends left, agreement right; the
    share who disagree (1-3) and agree (5-7) is printed at the bar ends.
    ``k`` (the anonymity minimum) is quoted in the subtitle when given.
    """
    title = "How people answered"
    subtitle = [
        "Share of answers at each level, centred on the neutral answer: "
        "disagreement to the left, agreement to the right.",
        "Negatively worded questions are flipped, so right is always favourable. "
        + _hidden_note(k),
    ]
    if _is_empty(df):
        return _empty_chart(title, subtitle)
    _require(df, DISTRIBUTION_COLUMNS, "distribution_chart")

    dimensions = _ordered(df["dimension_label"])
    rows: list[dict[str, object]] = []
    ends: list[dict[str, object]] = []
    for dimension in dimensions:
        part = df[df["dimension_label"].astype(str) == dimension]
        counts = (
            part.groupby(part["level"].astype(int))["count"]
            .sum()
            .reindex(LEVELS, fill_value=0)
        )
        total = float(counts.sum())
        if total <= 0:
            continue
        n = int(part["n"].max())
        percent = counts / total * 100.0
        start = -(float(percent.loc[[1, 2, 3]].sum()) + float(percent.loc[4]) / 2)
        left = start
        for level in LEVELS:
            share = float(percent.loc[level])
            rows.append(
                {
                    "dimension_label": dimension,
                    "level": level,
                    "level_label": level_label(level),
                    "count": int(counts.loc[level]),
                    "percent": share,
                    "x": start,
                    "x2": start + share,
                    "n": n,
                }
            )
            start += share
        disagree = float(percent.loc[[1, 2, 3]].sum())
        agree = float(percent.loc[[5, 6, 7]].sum())
        ends.append(
            {
                "dimension_label": dimension,
                "x": left,
                "text": f"{disagree:.0f}%",
                "align": "right",
            }
        )
        ends.append(
            {
                "dimension_label": dimension,
                "x": start,
                "text": f"{agree:.0f}%",
                "align": "left",
            }
        )
    if not rows:
        return _empty_chart(title, subtitle)
    bars = pd.DataFrame(rows)
    end_labels = pd.DataFrame(ends)

    extent = max(float(bars["x"].min()) * -1, float(bars["x2"].max()), 10.0)
    limit = math.ceil((extent + 14) / 10) * 10
    ticks = [v for v in range(-100, 101, 25) if abs(v) <= min(limit, 100)]
    x_scale = alt.Scale(domain=[-limit, limit], nice=False)
    x_axis = alt.Axis(
        title="← Disagree  ·  Percentage of answers  ·  Agree →",
        values=ticks,
        labelExpr="abs(datum.value) + '%'",
    )
    y = alt.Y(
        "dimension_label:N",
        sort=dimensions,
        title="Dimension",
        axis=alt.Axis(labelLimit=260, labelPadding=8),
    )
    labels = [level_label(level) for level in LEVELS]

    segments = (
        alt.Chart(bars)
        .mark_bar(height={"band": 0.7}, stroke="white", strokeWidth=1)
        .encode(
            x=alt.X("x:Q", scale=x_scale, axis=x_axis),
            x2="x2:Q",
            y=y,
            color=alt.Color(
                "level_label:N",
                title="Answer",
                scale=alt.Scale(domain=labels, range=list(LEVEL_COLOURS)),
                sort=labels,
                legend=alt.Legend(orient="bottom", columns=4, direction="horizontal"),
            ),
            tooltip=[
                alt.Tooltip("dimension_label:N", title="Dimension"),
                alt.Tooltip("level_label:N", title="Answer"),
                alt.Tooltip("count:Q", title="Answers at this level"),
                alt.Tooltip("percent:Q", title="% of answers", format=".0f"),
                alt.Tooltip("n:Q", title="People who answered (n)"),
            ],
        )
    )
    centre = (
        alt.Chart(pd.DataFrame({"x": [0]}))
        .mark_rule(color=TEXT_COLOUR, strokeWidth=1.5)
        .encode(x="x:Q")
    )
    end_text = [
        alt.Chart(end_labels[end_labels["align"] == side])
        .mark_text(
            align=side,
            dx=-6 if side == "right" else 6,
            fontSize=FONT_SIZE,
            fontWeight="bold",
            color=TEXT_COLOUR,
        )
        .encode(x="x:Q", y=alt.Y("dimension_label:N", sort=dimensions), text="text:N")
        for side in ("right", "left")
    ]
    chart = alt.layer(segments, centre, *end_text).properties(
        title=_title(title, subtitle),
        width="container",
        height=alt.Step(64),
    )
    return _configure(chart)


# ---------------------------------------------------------------- means


def means_chart(df: pd.DataFrame, *, k: int | None = None) -> Any:
    """Average answer per dimension as a dot with its 95% interval.

    ``df`` has one row per dimension (and group):

    - ``dimension_label`` (str): rows follow the order of first appearance.
    - ``group`` (str): e.g. "Everyone", "Social work", "Education". With more
      than one group, groups are coloured (Okabe-Ito, "Everyone" black) and
      drawn side by side within each dimension.
    - ``mean`` (float, 1..7), ``low``/``high`` (float): the 95% interval;
      NaN when it cannot be computed (only the dot is drawn).
    - ``n`` (int): responses behind the figure, shown in the tooltip.
    """
    groups = _ordered(df["group"]) if not _is_empty(df) and "group" in df else []
    several = len(groups) > 1
    title = (
        "Average answer per dimension and group"
        if several
        else "Average answer per dimension"
    )
    subtitle = [
        "Dot: average answer. Line: 95% interval, the range the true average "
        "probably lies in.",
        _hidden_note(k),
    ]
    if _is_empty(df):
        return _empty_chart(title, subtitle)
    _require(df, MEANS_COLUMNS, "means_chart")

    data = df[list(MEANS_COLUMNS)].copy()
    data["dimension_label"] = data["dimension_label"].astype(str)
    data["group"] = data["group"].astype(str)
    data["label_x"] = data["high"].fillna(data["mean"])
    data["interval"] = _interval_text(data["low"], data["high"])
    dimensions = _ordered(data["dimension_label"])
    domain, colours = group_colours(groups)

    x_scale = _scale_1_to_7()
    y = alt.Y(
        "dimension_label:N",
        sort=dimensions,
        title="Dimension",
        axis=alt.Axis(labelLimit=260, labelPadding=8),
    )
    colour = _group_colour(domain, colours, legend=groups != [EVERYONE])
    offset = {"yOffset": alt.YOffset("group:N", sort=domain)} if several else {}
    tooltip = [
        alt.Tooltip("dimension_label:N", title="Dimension"),
        alt.Tooltip("group:N", title="Group"),
        alt.Tooltip("mean:Q", title="Average (1-7)", format=".2f"),
        alt.Tooltip("interval:N", title="95% interval"),
        alt.Tooltip("n:Q", title="People who answered (n)"),
    ]
    base = alt.Chart(data)
    interval = base.mark_rule(strokeWidth=4).encode(
        x=alt.X(
            "low:Q",
            scale=x_scale,
            axis=_anchor_axis("Average answer", horizontal=True),
        ),
        x2="high:Q",
        y=y,
        color=colour,
        tooltip=tooltip,
        **offset,
    )
    dot = base.mark_circle(size=220, opacity=1, stroke="white", strokeWidth=1.5).encode(
        x=alt.X("mean:Q", scale=x_scale),
        y=y,
        color=colour,
        tooltip=tooltip,
        **offset,
    )
    value = base.mark_text(
        align="left", dx=8, fontSize=FONT_SIZE, color=TEXT_COLOUR
    ).encode(
        x=alt.X("label_x:Q", scale=x_scale),
        y=y,
        text=alt.Text("mean:Q", format=".1f"),
        **offset,
    )
    step = 34 if several else 60
    chart = alt.layer(interval, dot, value).properties(
        title=_title(title, subtitle),
        width="container",
        height=alt.Step(step),
    )
    return _configure(chart)


def _interval_text(low: pd.Series, high: pd.Series) -> list[str]:
    return [
        "not available" if pd.isna(lo) or pd.isna(hi) else f"{lo:.2f} to {hi:.2f}"
        for lo, hi in zip(low, high, strict=True)
    ]


# ---------------------------------------------------------------- trend


def trend_chart(
    df: pd.DataFrame,
    markers: pd.DataFrame | None = None,
    *,
    dimension_label: str | None = None,
    k: int | None = None,
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
    ``dimension_label`` also names the dimension in the title.
    """
    heading = f"{dimension_label}: how it changed" if dimension_label else None
    title = heading or "How the answers changed over the programme"
    subtitle = _trend_subtitle(markers, k)
    if _is_empty(df):
        return _empty_chart(title, subtitle)
    _require(df, TREND_COLUMNS, "trend_chart")
    if not _is_empty(markers):
        _require(markers, MARKER_COLUMNS, "trend_chart markers")

    data = df.copy()
    if dimension_label is not None and "dimension_label" in data:
        data = data[data["dimension_label"].astype(str) == dimension_label]
        if data.empty:
            return _empty_chart(title, subtitle)
    data["is_follow_up"] = data["is_follow_up"].fillna(False).astype(bool)
    data["group"] = data["group"].astype(str)
    data["pulse_label"] = data["pulse_label"].astype(str)
    data["date"] = data["date"].astype(str)
    data["interval"] = _interval_text(data["low"], data["high"])
    pulses = _pulses(data)
    domain, colours = group_colours(data["group"])

    dimensions = (
        _ordered(data["dimension_label"]) if "dimension_label" in data.columns else []
    )
    if len(dimensions) > 1:
        panels = [
            _trend_panel(
                data[data["dimension_label"].astype(str) == d],
                pulses,
                markers,
                domain,
                colours,
                title=d,
                width=CONCAT_WIDTH,
            )
            for d in dimensions
        ]
        chart = alt.vconcat(*panels, spacing=36).properties(
            title=_title(title, subtitle)
        )
        return _configure(chart.resolve_scale(color="shared"))
    if dimension_label is None and len(dimensions) == 1:
        title = f"{dimensions[0]}: how it changed"
    panel = _trend_panel(
        data, pulses, markers, domain, colours, title=None, width="container"
    )
    return _configure(panel.properties(title=_title(title, subtitle)))


def _trend_subtitle(markers: pd.DataFrame | None, k: int | None) -> list[str]:
    lines = ["Average answer per pulse (line) with its 95% interval (shaded band)."]
    if not _is_empty(markers):
        lines.append("Dashed lines: actions agreed in the sessions.")
    lines.append(_hidden_note(k))
    return lines


def _trend_panel(
    data: pd.DataFrame,
    pulses: pd.DataFrame,
    markers: pd.DataFrame | None,
    domain: list[str],
    colours: list[str],
    *,
    title: str | None,
    width: int | str,
) -> alt.LayerChart:
    extra = (
        [] if _is_empty(markers) else markers["order"].dropna().astype(float).tolist()
    )
    x_axis, x_scale = _pulse_axis(pulses, extra)
    y_scale = _scale_1_to_7()
    colour = _group_colour(domain, colours)
    tooltip = [
        alt.Tooltip("pulse_label:N", title="Pulse"),
        alt.Tooltip("date:N", title="Date"),
        alt.Tooltip("group:N", title="Group"),
        alt.Tooltip("mean:Q", title="Average (1-7)", format=".2f"),
        alt.Tooltip("interval:N", title="95% interval"),
        alt.Tooltip("n:Q", title="People who answered (n)"),
    ]
    x = alt.X("order:Q", scale=x_scale, axis=x_axis)
    base = alt.Chart(data)
    band = base.mark_area(opacity=0.12).encode(
        x=x,
        y=alt.Y(
            "low:Q",
            scale=y_scale,
            axis=_anchor_axis("Average answer", horizontal=False),
        ),
        y2="high:Q",
        color=colour,
        detail="group:N",
    )
    line = base.mark_line(strokeWidth=3).encode(
        x=x, y=alt.Y("mean:Q", scale=y_scale), color=colour, detail="group:N"
    )
    points = base.mark_circle(size=110, opacity=1).encode(
        x=x, y=alt.Y("mean:Q", scale=y_scale), color=colour, tooltip=tooltip
    )
    layers: list[Any] = [band, line, points]
    layers += _follow_up_layers(pulses, x_scale)
    layers += _marker_layers(markers, x_scale)
    panel = alt.layer(*layers).properties(width=width, height=PANEL_HEIGHT)
    if title is not None:
        panel = panel.properties(title=alt.Title(title, fontSize=FONT_SIZE + 4))
    return panel


def _follow_up_layers(pulses: pd.DataFrame, x_scale: alt.Scale) -> list[Any]:
    if "is_follow_up" not in pulses or not pulses["is_follow_up"].any():
        return []
    orders = pulses["order"].astype(float)
    follow = orders[pulses["is_follow_up"]]
    first = float(follow.min())
    before = orders[~pulses["is_follow_up"] & (orders < first)]
    at = (float(before.max()) + first) / 2 if len(before) else first - 0.4
    text = FOLLOW_UP
    if "date" in pulses:
        date = str(pulses.loc[pulses["is_follow_up"], "date"].iloc[0])
        text = f"{FOLLOW_UP} ({date})" if date and date != "nan" else FOLLOW_UP
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
            align="left",
            baseline="top",
            dx=6,
            fontSize=FONT_SIZE,
            fontWeight="bold",
            color=TEXT_COLOUR,
        ),
    ]


def _marker_layers(markers: pd.DataFrame | None, x_scale: alt.Scale) -> list[Any]:
    if _is_empty(markers):
        return []
    frame = markers[list(MARKER_COLUMNS)].dropna(subset=["order"]).copy()
    frame["label"] = frame["label"].astype(str)
    frame = frame.sort_values("order").reset_index(drop=True)
    frame["y"] = [PANEL_HEIGHT - 6 - 20 * (i % 3) for i in range(len(frame))]
    x = alt.X("order:Q", scale=x_scale)
    rule = (
        alt.Chart(frame)
        .mark_rule(color=MUTED_COLOUR, strokeWidth=1.5, strokeDash=[6, 4])
        .encode(x=x, tooltip=[alt.Tooltip("label:N", title="Action agreed")])
    )
    label = alt.Chart(frame).encode(
        x=x,
        y=alt.Y("y:Q", scale=None),
        text="label:N",
        tooltip=[alt.Tooltip("label:N", title="Action agreed")],
    )
    return [
        rule,
        *_haloed(
            label,
            align="left",
            baseline="bottom",
            dx=5,
            fontSize=FONT_SIZE - 1,
            color=MUTED_COLOUR,
            limit=240,
        ),
    ]


# ---------------------------------------------------------------- gap


def gap_chart(
    df: pd.DataFrame, *, dimension_label: str | None = None, k: int | None = None
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
    title = "Are the teams converging?"
    if _is_empty(df):
        return _empty_chart(
            title,
            [
                "Difference in average answer between two groups per pulse.",
                _hidden_note(k),
            ],
        )
    _require(df, GAP_COLUMNS, "gap_chart")
    data = df.copy()
    if dimension_label is not None:
        data = data[data["dimension_label"].astype(str) == dimension_label]
    pairs = data[["group_a", "group_b"]].astype(str).drop_duplicates()
    if len(pairs) > 1:
        raise ValueError("gap_chart draws one pair of groups; filter df to one pair.")
    if data.empty:
        return _empty_chart(title, [_hidden_note(k)])
    group_a, group_b = (str(v) for v in pairs.iloc[0])
    subtitle = [
        f"Difference in average answer ({group_a} minus {group_b}) per pulse, "
        "with its 95% interval.",
        f"Above 0: {group_a} higher. Below 0: {group_b} higher. "
        "Nearer 0: the teams answer more alike.",
        _hidden_note(k),
    ]
    if dimension_label is not None:
        title = f"{dimension_label}: are the teams converging?"

    data["dimension_label"] = data["dimension_label"].astype(str)
    data["pulse_label"] = data["pulse_label"].astype(str)
    data["interval"] = _interval_text(data["low"], data["high"])
    dimensions = _ordered(data["dimension_label"])
    # Nudge dimensions apart along x so their intervals do not overlap.
    shift = {d: (i - (len(dimensions) - 1) / 2) * 0.1 for i, d in enumerate(dimensions)}
    data["x"] = data["order"].astype(float) + data["dimension_label"].map(shift)
    pulses = _pulses(data)
    x_axis, x_scale = _pulse_axis(pulses)

    values = pd.concat([data["gap"], data["low"], data["high"]]).abs()
    top = float(values.max()) if values.notna().any() else 1.0
    limit = min(max(math.ceil(top * 2) / 2 + 0.5, 1.0), SCALE_HIGH - SCALE_LOW)
    y_scale = alt.Scale(domain=[-limit, limit], nice=False, clamp=True)
    y_axis = alt.Axis(
        title=f"Difference in mean ({group_a} − {group_b})",
        labelExpr="datum.value > 0 ? '+' + format(datum.value, '.1f') "
        ": format(datum.value, '.1f')",
        tickCount=8,
    )
    dimension_scale = alt.Scale(domain=dimensions, range=_dimension_colours(dimensions))
    colour = alt.Color(
        "dimension_label:N",
        title="Dimension",
        scale=dimension_scale,
        sort=dimensions,
        legend=alt.Legend(orient="bottom", direction="horizontal"),
    )
    tooltip = [
        alt.Tooltip("pulse_label:N", title="Pulse"),
        alt.Tooltip("dimension_label:N", title="Dimension"),
        alt.Tooltip("gap:Q", title=f"{group_a} − {group_b}", format="+.2f"),
        alt.Tooltip("interval:N", title="95% interval"),
        alt.Tooltip("n_a:Q", title=f"{group_a} (n)"),
        alt.Tooltip("n_b:Q", title=f"{group_b} (n)"),
    ]
    x = alt.X("x:Q", scale=x_scale, axis=x_axis)
    base = alt.Chart(data)
    zero = pd.DataFrame({"y": [0.0], "text": ["No difference"]})
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
    df: pd.DataFrame, *, dimension_label: str | None = None, k: int | None = None
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
    title = "Are we on the same page?"
    if dimension_label is not None:
        title = f"{dimension_label}: are we on the same page?"
    subtitle = [
        "Agreement within each group per pulse, r*wg(j): 1 = everyone answered "
        "alike, 0 = no more alike than random answers.",
        _hidden_note(k),
    ]
    if _is_empty(df):
        return _empty_chart(title, subtitle)
    _require(df, AGREEMENT_COLUMNS, "agreement_chart")
    data = df.copy()
    if dimension_label is not None:
        data = data[data["dimension_label"].astype(str) == dimension_label]
        if data.empty:
            return _empty_chart(title, subtitle)
    data["dimension_label"] = data["dimension_label"].astype(str)
    data["group"] = data["group"].astype(str)
    data["pulse_label"] = data["pulse_label"].astype(str)
    pulses = _pulses(data)
    domain, colours = group_colours(data["group"])
    dimensions = _ordered(data["dimension_label"])
    if len(dimensions) > 1:
        panels = [
            _agreement_panel(
                data[data["dimension_label"] == d],
                pulses,
                domain,
                colours,
                title=d,
                width=CONCAT_WIDTH,
            )
            for d in dimensions
        ]
        chart = alt.vconcat(*panels, spacing=36).properties(
            title=_title(title, subtitle)
        )
        return _configure(chart.resolve_scale(color="shared"))
    if dimension_label is None:
        title = f"{dimensions[0]}: are we on the same page?"
    panel = _agreement_panel(
        data, pulses, domain, colours, title=None, width="container"
    )
    return _configure(panel.properties(title=_title(title, subtitle)))


def _agreement_panel(
    data: pd.DataFrame,
    pulses: pd.DataFrame,
    domain: list[str],
    colours: list[str],
    *,
    title: str | None,
    width: int | str,
) -> alt.LayerChart:
    x_axis, x_scale = _pulse_axis(pulses)
    y_scale = alt.Scale(domain=[0, 1], nice=False, clamp=True)
    y_axis = alt.Axis(
        title="Agreement within group, r*wg(j)",
        values=[0, 0.2, 0.4, 0.6, 0.8, 1.0],
        format=".1f",
    )
    colour = _group_colour(domain, colours)
    tooltip = [
        alt.Tooltip("pulse_label:N", title="Pulse"),
        alt.Tooltip("dimension_label:N", title="Dimension"),
        alt.Tooltip("group:N", title="Group"),
        alt.Tooltip("rwg:Q", title="Agreement r*wg(j)", format=".2f"),
        alt.Tooltip("n:Q", title="People who answered (n)"),
    ]
    x = alt.X("order:Q", scale=x_scale, axis=x_axis)
    threshold = pd.DataFrame({"y": [AGREEMENT_THRESHOLD], "text": [AGREEMENT_LABEL]})
    base = alt.Chart(data)
    layers = [
        alt.Chart(threshold)
        .mark_rule(color=MUTED_COLOUR, strokeWidth=1.5, strokeDash=[6, 4])
        .encode(y=alt.Y("y:Q", scale=y_scale, axis=y_axis)),
        base.mark_line(strokeWidth=3).encode(
            x=x, y=alt.Y("rwg:Q", scale=y_scale), color=colour, detail="group:N"
        ),
        base.mark_circle(size=110, opacity=1).encode(
            x=x, y=alt.Y("rwg:Q", scale=y_scale), color=colour, tooltip=tooltip
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
    panel = alt.layer(*layers).properties(width=width, height=PANEL_HEIGHT)
    if title is not None:
        panel = panel.properties(title=alt.Title(title, fontSize=FONT_SIZE + 4))
    return panel


# ---------------------------------------------------------------- export


def export_spec(chart: Any, width: int = EXPORT_WIDTH) -> dict[str, Any]:
    """The chart's Vega-Lite spec with ``width="container"`` made ``width``
    pixels (a file has no container to fill). ``chart`` may be an Altair chart
    or a spec dict already made from one (pages cache specs: Altair is slow)."""
    spec = chart if isinstance(chart, dict) else chart.to_dict()
    return _fix_width(spec, width)


def _fix_width(node: Any, width: int) -> Any:
    if isinstance(node, dict):
        return {
            key: width
            if key == "width" and value == "container"
            else _fix_width(value, width)
            for key, value in node.items()
        }
    if isinstance(node, list):
        return [_fix_width(item, width) for item in node]
    return node


def to_png(chart: Any, *, width: int = EXPORT_WIDTH, scale: float = 2.0) -> bytes:
    """Render a chart to PNG bytes offline (vl-convert, no remote data allowed).

    ``scale=2`` gives sharp images in slides and printed reports.
    """
    return vlc.vegalite_to_png(
        export_spec(chart, width), scale=scale, allowed_base_urls=[]
    )


def to_svg(chart: Any, *, width: int = EXPORT_WIDTH) -> str:
    """Render a chart to SVG text offline (vl-convert, no remote data allowed)."""
    return vlc.vegalite_to_svg(export_spec(chart, width), allowed_base_urls=[])
