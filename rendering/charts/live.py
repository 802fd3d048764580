"""Live-room charts: the answer distribution and the means of one pulse."""

from __future__ import annotations

import math
from typing import Any

import altair as alt
import pandas as pd

from rendering.charts.style import (
    DISTRIBUTION_COLUMNS,
    FONT_SIZE,
    LEVEL_COLOURS,
    LEVELS,
    MEANS_COLUMNS,
    TEXT_COLOUR,
    _configure,
    _empty_chart,
    _group_colour,
    _hidden_note,
    _interval_text,
    _is_empty,
    _ordered,
    _require,
    _scale_1_to_7,
    _title,
    average_channel,
    clip_to_scale,
    group_colours,
    level_label,
    shown_groups,
    tooltips,
)
from survey.i18n import translations
from survey.words import EVERYONE


def distribution_chart(
    df: pd.DataFrame, *, k: int | None = None, language: str = "en"
) -> Any:
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
    Dimension labels are given in English (msgids) and drawn in ``language``.
    """
    tr = translations(language)
    title = tr.gettext("How people answered")
    subtitle = [
        tr.gettext(
            "Share of answers at each level, centred on the neutral answer: "
            "disagreement to the left, agreement to the right."
        ),
        tr.gettext(
            "Negatively worded questions are flipped, so right is always favourable."
        )
        + " "
        + _hidden_note(k, tr),
    ]
    if _is_empty(df):
        return _empty_chart(title, subtitle, tr)
    _require(df, DISTRIBUTION_COLUMNS, "distribution_chart")
    df = df.assign(dimension_label=df["dimension_label"].astype(str).map(tr.gettext))

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
                    "level_label": level_label(level, language),
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
        return _empty_chart(title, subtitle, tr)
    bars = pd.DataFrame(rows)
    end_labels = pd.DataFrame(ends)

    extent = max(float(bars["x"].min()) * -1, float(bars["x2"].max()), 10.0)
    limit = math.ceil((extent + 14) / 10) * 10
    ticks = [v for v in range(-100, 101, 25) if abs(v) <= min(limit, 100)]
    x_scale = alt.Scale(domain=[-limit, limit], nice=False)
    x_axis = alt.Axis(
        title=tr.gettext("← Disagree  ·  Percentage of answers  ·  Agree →"),
        values=ticks,
        labelExpr="abs(datum.value) + '%'",
    )
    y = alt.Y(
        "dimension_label:N",
        sort=dimensions,
        title=tr.gettext("Dimension"),
        axis=alt.Axis(labelLimit=260, labelPadding=8),
    )
    labels = [level_label(level, language) for level in LEVELS]

    segments = (
        alt.Chart(bars)
        .mark_bar(height={"band": 0.7}, stroke="white", strokeWidth=1)
        .encode(
            x=alt.X("x:Q", scale=x_scale, axis=x_axis),
            x2="x2:Q",
            y=y,
            color=alt.Color(
                "level_label:N",
                title=tr.gettext("Answer"),
                scale=alt.Scale(domain=labels, range=list(LEVEL_COLOURS)),
                sort=labels,
                legend=alt.Legend(orient="bottom", columns=4, direction="horizontal"),
            ),
            tooltip=[
                *tooltips("dimension", tr=tr),
                alt.Tooltip("level_label:N", title=tr.gettext("Answer")),
                alt.Tooltip("count:Q", title=tr.gettext("Answers at this level")),
                alt.Tooltip(
                    "percent:Q", title=tr.gettext("% of answers"), format=".0f"
                ),
                *tooltips("n", tr=tr),
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


def means_chart(df: pd.DataFrame, *, k: int | None = None, language: str = "en") -> Any:
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
    tr = translations(language)
    groups = _ordered(df["group"]) if not _is_empty(df) and "group" in df else []
    several = len(groups) > 1
    title = (
        tr.gettext("Average answer per dimension and group")
        if several
        else tr.gettext("Average answer per dimension")
    )
    subtitle = [
        tr.gettext(
            "Dot: average answer. Line: {percent} interval, the range the true "
            "average probably lies in."
        ).format(percent="95%"),
        _hidden_note(k, tr),
    ]
    if _is_empty(df):
        return _empty_chart(title, subtitle, tr)
    _require(df, MEANS_COLUMNS, "means_chart")

    data = clip_to_scale(df[list(MEANS_COLUMNS)])
    data["dimension_label"] = data["dimension_label"].astype(str).map(tr.gettext)
    data["group"] = shown_groups(data["group"], tr)
    data["label_x"] = data["high"].fillna(data["mean"])
    data["interval"] = _interval_text(data["low"], data["high"], tr)
    dimensions = _ordered(data["dimension_label"])
    everyone = tr.gettext(EVERYONE)
    domain, colours = group_colours(_ordered(data["group"]), everyone)

    x_scale = _scale_1_to_7()
    y = alt.Y(
        "dimension_label:N",
        sort=dimensions,
        title=tr.gettext("Dimension"),
        axis=alt.Axis(labelLimit=260, labelPadding=8),
    )
    colour = _group_colour(domain, colours, legend=groups != [EVERYONE], tr=tr)
    offset = {"yOffset": alt.YOffset("group:N", sort=domain)} if several else {}
    tooltip = [
        *tooltips("dimension", "group", "mean", "interval", "n", tr=tr),
    ]
    base = alt.Chart(data)
    interval = base.mark_rule(strokeWidth=4).encode(
        x=average_channel("low", x_scale, horizontal=True, tr=tr),
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


# ---------------------------------------------------------------- trend
