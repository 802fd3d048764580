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

Every builder takes ``language=`` ("en" or "cy"): titles, subtitles, axis
titles, legends, tooltips, anchors and the app's own group words ("Everyone")
are written in it; numbers are formatted the same in every language.

Charts are ``width="container"`` so they fill a Streamlit column; ``to_png``
and ``to_svg`` swap in a fixed width and render offline with vl-convert.
"""

from __future__ import annotations

import json
import textwrap
from collections.abc import Iterable, Sequence
from itertools import cycle
from typing import Any

import altair as alt
import pandas as pd

from survey.i18n import N_, Translator, translations
from survey.instrument import SCALE_HIGH, SCALE_LABELS, SCALE_LOW
from survey.words import EVERYONE, NOT_SAID

NO_RESULTS = N_("No results to show yet")

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
AGREEMENT_LABEL = N_("0.70: strong agreement")

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


def _in(tr: Translator | None) -> Translator:
    """The translator given, or English."""
    return tr if tr is not None else translations("en")


def level_label(level: int, language: str = "en") -> str:
    """The legend/axis text of an answer level, e.g. ``"1 Strongly disagree"``."""
    return _level_text(level, translations(language))


def level_label_lines(level: int, language: str = "en") -> list[str]:
    """An anchor label broken into short lines for a horizontal axis."""
    return _level_lines(level, translations(language))


def _level_text(level: int, tr: Translator) -> str:
    return f"{level} {tr.gettext(SCALE_LABELS[level])}"


def _level_lines(level: int, tr: Translator) -> list[str]:
    return [str(level), *textwrap.wrap(tr.gettext(SCALE_LABELS[level]), 13)]


def shown_groups(groups: pd.Series, tr: Translator) -> pd.Series:
    """Group names as a chart shows them: the app's own words ("Everyone",
    "Group not given") in the chart's language, typed names as typed."""
    words = {EVERYONE: tr.gettext(EVERYONE), NOT_SAID: tr.gettext(NOT_SAID)}
    return groups.astype(str).map(lambda g: words.get(g, g))


def group_colours(
    groups: Iterable[object], everyone: str = EVERYONE
) -> tuple[list[str], list[str]]:
    """Colour scale (domain, range) for groups: "Everyone" (``everyone``, the
    word in the chart's language) black and first, the others Okabe-Ito
    colours in the order they first appear."""
    names = list(dict.fromkeys(str(g) for g in groups))
    if everyone in names:
        names.remove(everyone)
        names.insert(0, everyone)
    others = cycle(GROUP_COLOURS)
    colours = [EVERYONE_COLOUR if name == everyone else next(others) for name in names]
    return names, colours


def _group_colour(
    domain: list[str],
    colours: list[str],
    *,
    legend: bool = True,
    tr: Translator | None = None,
) -> alt.Color:
    return alt.Color(
        "group:N",
        title=_in(tr).gettext("Group"),
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


def _anchor_axis(
    title: str, *, horizontal: bool, tr: Translator | None = None
) -> alt.Axis:
    """An axis over the 1-7 answer scale with a tick and anchor text per level."""
    tr = _in(tr)
    labels: dict[float, object] = {
        level: _level_lines(level, tr) if horizontal else _level_text(level, tr)
        for level in LEVELS
    }
    description = tr.gettext("Answer scale from {low} to {high}").format(
        low=_level_text(SCALE_LOW, tr), high=_level_text(SCALE_HIGH, tr)
    )
    return alt.Axis(
        title=title,
        values=list(LEVELS),
        labelExpr=_label_expr(labels),
        labelAngle=0,
        labelLimit=0 if horizontal else 220,
        labelFlush=False,
        labelPadding=6,
        # Upright, the title sits beside the longest anchor ("4 Neither agree
        # nor disagree"). Vega places it from a width it measured, which in
        # Chromium came out ~10 px short of the text drawn, so the title
        # overprinted the label; the gap absorbs that.
        **({} if horizontal else {"titlePadding": 16}),
        description=description,
    )


# Titles are msgids, translated when the tooltip is made; "interval" is None:
# its title is _interval_title's "{percent} interval".
_TOOLTIPS = {
    "pulse": ("pulse_label:N", N_("Pulse"), None),
    "date": ("date:N", N_("Date"), None),
    "dimension": ("dimension_label:N", N_("Dimension"), None),
    "group": ("group:N", N_("Group"), None),
    "mean": ("mean:Q", N_("Average (1-7)"), ".2f"),
    "interval": ("interval:N", None, None),
    "n": ("n:Q", N_("People who answered (n)"), None),
}


def tooltips(*names: str, tr: Translator | None = None) -> list[alt.Tooltip]:
    """The tooltip fields every chart words the same way, by short name
    (``"pulse"``, ``"mean"``, ``"n"``...), in the order given, in ``tr``'s
    language."""
    tr = _in(tr)
    return [
        alt.Tooltip(
            field,
            title=tr.gettext(title) if title else _interval_title(tr),
            **({"format": fmt} if fmt else {}),
        )
        for field, title, fmt in (_TOOLTIPS[name] for name in names)
    ]


def average_channel(
    field: str, scale: alt.Scale, *, horizontal: bool, tr: Translator | None = None
) -> Any:
    """The position channel of an average on the 1-7 scale: ``alt.X`` when the
    scale runs across, ``alt.Y`` when it runs up, with the anchored axis."""
    tr = _in(tr)
    channel = alt.X if horizontal else alt.Y
    axis = _anchor_axis(tr.gettext("Average answer"), horizontal=horizontal, tr=tr)
    return channel(f"{field}:Q", scale=scale, axis=axis)


def _scale_1_to_7() -> alt.Scale:
    return alt.Scale(domain=[SCALE_LOW, SCALE_HIGH], nice=False, zero=False, clamp=True)


def _hidden_note(k: int | None, tr: Translator | None = None) -> str:
    tr = _in(tr)
    if k is None:
        return tr.gettext(
            "Groups with too few answers are not shown, to protect anonymity."
        )
    return tr.ngettext(
        "Groups with fewer than {k} answer are not shown.",
        "Groups with fewer than {k} answers are not shown.",
        k,
    ).format(k=k)


def _title(text: str, subtitle: Sequence[str]) -> alt.Title:
    return alt.Title(text=text, subtitle=list(subtitle), anchor="start")


# Axis and legend labels and titles: the same size and colour everywhere.
_LABEL_TEXT = {
    "labelFontSize": FONT_SIZE,
    "titleFontSize": FONT_SIZE + 1,
    "labelColor": TEXT_COLOUR,
    "titleColor": TEXT_COLOUR,
}


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
            **_LABEL_TEXT,
            titleFontWeight="bold",
            gridColor="#E4E4E4",
            domainColor="#888888",
            tickColor="#888888",
        )
        .configure_legend(
            **_LABEL_TEXT,
            symbolSize=180,
            symbolOpacity=1,
            labelLimit=320,
        )
        .configure_header(labelFontSize=FONT_SIZE + 2, titleFontSize=FONT_SIZE + 2)
        .configure_view(stroke=None)
    )


def _empty_chart(
    title: str, subtitle: Sequence[str], tr: Translator | None = None
) -> alt.Chart:
    """A valid chart for "nothing yet": the title and a short message."""
    chart = (
        alt.Chart(pd.DataFrame({"message": [_in(tr).gettext(NO_RESULTS)]}))
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
    pulses: pd.DataFrame, extra: Iterable[float] = (), tr: Translator | None = None
) -> tuple[alt.Axis, alt.Scale]:
    """x encoding pieces for the timeline: a numeric ``order`` scale whose ticks
    are the pulses, labelled with their (wrapped) names."""
    orders = [float(o) for o in pulses["order"]]
    names = [str(label) for label in pulses["pulse_label"]]
    low, high = min([*orders, *extra]), max([*orders, *extra])
    # Each label gets the room between the two closest pulses: when that is
    # less than a sixth of the axis (many pulses, or a few close together as
    # in a gap chart that skips one group's own sessions), angle the labels.
    ordered = sorted(set(orders))
    gaps = (b - a for a, b in zip(ordered, ordered[1:], strict=False))
    closest = min(gaps, default=1.0)
    angled = (high - low + 1) / closest > WRAPPED_PULSES
    labels: dict[float, object] = {
        o: name if angled else (textwrap.wrap(name, 16) or [""])
        for o, name in zip(orders, names, strict=True)
    }
    axis = alt.Axis(
        title=_in(tr).gettext("Pulse, in programme order"),
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


def clip_to_scale(data: pd.DataFrame) -> pd.DataFrame:
    """Mean intervals clipped to the 1–7 answer scale where they are drawn.

    A t interval around a mean of 6.6 from six people can run past 7, a value
    nobody can answer; the drawn whisker stops at the scale's end instead.
    """
    out = data.copy()
    out["low"] = out["low"].clip(lower=SCALE_LOW, upper=SCALE_HIGH)
    out["high"] = out["high"].clip(lower=SCALE_LOW, upper=SCALE_HIGH)
    return out


def _interval_title(tr: Translator) -> str:
    """ "95% interval" (the percentage is a placeholder: gettext tools would
    read "% i" as a printf directive and require it in every translation)."""
    # Translators: {percent} is "95%", e.g. "95% interval".
    return tr.gettext("{percent} interval").format(percent="95%")


def _interval_text(
    low: pd.Series, high: pd.Series, tr: Translator | None = None
) -> list[str]:
    tr = _in(tr)
    return [
        tr.gettext("not available")
        if pd.isna(lo) or pd.isna(hi)
        else tr.gettext("{low} to {high}").format(low=f"{lo:.2f}", high=f"{hi:.2f}")
        for lo, hi in zip(low, high, strict=True)
    ]
