"""Chart builders: every chart explains itself (title, axes, scale anchors, n),
uses colour-blind-safe colours, survives empty input and renders offline."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any

import pandas as pd
import pytest

from rendering import charts
from rendering.charts import (
    agreement_chart,
    distribution_chart,
    gap_chart,
    means_chart,
    to_png,
    to_svg,
    trend_chart,
)

OKABE_ITO = {
    "#000000",
    "#E69F00",
    "#56B4E9",
    "#009E73",
    "#F0E442",
    "#0072B2",
    "#D55E00",
    "#CC79A7",
}
ANCHORS = {
    1: "Strongly disagree",
    2: "Disagree",
    3: "Somewhat disagree",
    4: "Neither agree nor disagree",
    5: "Somewhat agree",
    6: "Agree",
    7: "Strongly agree",
}
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
AGREEMENT = "0.70: strong agreement"
HIDDEN_NOTE = "Groups with fewer than 5 answers are not shown."

# ------------------------------------------------------------------ data


def distribution_df() -> pd.DataFrame:
    counts = {
        "Psychological safety": [1, 2, 3, 4, 6, 8, 6],
        "Connection": [4, 5, 6, 5, 4, 3, 2],
    }
    return pd.DataFrame(
        [
            {"dimension_label": d, "level": level, "count": c, "n": 12}
            for d, row in counts.items()
            for level, c in enumerate(row, start=1)
        ]
    )


def means_df(groups: tuple[str, ...] = ("Everyone", "Social work", "Education")):
    rows = []
    for d, base in (("Psychological safety", 4.5), ("Connection", 3.8)):
        for i, g in enumerate(groups):
            m = base + 0.3 * i
            rows.append(
                {
                    "dimension_label": d,
                    "group": g,
                    "mean": m,
                    "low": m - 0.6,
                    "high": m + 0.6,
                    "n": 24 if g == "Everyone" else 12,
                }
            )
    return pd.DataFrame(rows)


PULSES = (
    ("Social work session · after", "2025-10-01", False),
    ("Joint workshop, day 1 · before", "2025-11-12", False),
    ("Joint workshop, day 1 · after", "2025-11-12", False),
    ("Follow-up · after", "2026-05-20", True),
)


def trend_df(follow_up: bool = True) -> pd.DataFrame:
    rows = []
    for order, (label, date, is_fu) in enumerate(PULSES, start=1):
        for g, off in (("Everyone", 0.0), ("Social work", 0.3), ("Education", -0.3)):
            m = 3.8 + 0.4 * order + off
            rows.append(
                {
                    "pulse_label": label,
                    "order": order,
                    "date": date,
                    "group": g,
                    "mean": m,
                    "low": m - 0.7,
                    "high": m + 0.7,
                    "n": 20 if g == "Everyone" else 10,
                    "is_follow_up": is_fu and follow_up,
                }
            )
    return pd.DataFrame(rows)


def markers_df() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "label": ["Agreed: joint case reviews", "Agreed: shared form"],
            "order": [2.5, 3],
        }
    )


def gap_df() -> pd.DataFrame:
    rows = []
    for order, (label, _, _) in enumerate(PULSES, start=1):
        for d in ("Psychological safety", "Connection"):
            g = 1.2 - 0.3 * order
            rows.append(
                {
                    "pulse_label": label,
                    "order": order,
                    "dimension_label": d,
                    "gap": g,
                    "low": g - 0.8,
                    "high": g + 0.8,
                    "n_a": 10,
                    "n_b": 9,
                    "group_a": "Social work",
                    "group_b": "Education",
                }
            )
    return pd.DataFrame(rows)


def agreement_df(dimensions: tuple[str, ...] = ("Psychological safety",)):
    rows = []
    for order, (label, _, _) in enumerate(PULSES, start=1):
        for d in dimensions:
            for g in ("Social work", "Education"):
                rows.append(
                    {
                        "pulse_label": label,
                        "order": order,
                        "dimension_label": d,
                        "group": g,
                        "rwg": 0.5 + 0.1 * order,
                        "n": 10,
                    }
                )
    return pd.DataFrame(rows)


# ------------------------------------------------------------------ spec helpers


def walk(node: Any) -> Iterator[dict[str, Any]]:
    """Every dict in a spec, depth first."""
    if isinstance(node, dict):
        yield node
        for value in node.values():
            yield from walk(value)
    elif isinstance(node, list):
        for item in node:
            yield from walk(item)


def encodings(spec: dict[str, Any]) -> list[dict[str, Any]]:
    return [d["encoding"] for d in walk(spec) if isinstance(d.get("encoding"), dict)]


def axis_titles(spec: dict[str, Any]) -> dict[str, set[str]]:
    titles: dict[str, set[str]] = {"x": set(), "y": set()}
    for enc in encodings(spec):
        for channel in ("x", "y"):
            definition = enc.get(channel, {})
            axis = definition.get("axis")
            if axis is None and "axis" in definition:
                continue  # axis hidden
            title = (axis or {}).get("title") or definition.get("title")
            if title:
                titles[channel].add(title)
    return titles


def channel_defs(spec: dict[str, Any], channel: str) -> list[dict[str, Any]]:
    return [enc[channel] for enc in encodings(spec) if channel in enc]


def anchored(spec: dict[str, Any], channel: str) -> list[dict[str, Any]]:
    """Channel definitions on the 1-7 answer scale that carry an axis."""
    return [
        d
        for d in channel_defs(spec, channel)
        if d.get("scale", {}).get("domain") == [1, 7]
        and isinstance(d.get("axis"), dict)
    ]


def tooltip_fields(spec: dict[str, Any]) -> set[str]:
    fields: set[str] = set()
    for tips in channel_defs(spec, "tooltip"):
        for tip in tips if isinstance(tips, list) else [tips]:
            fields.add(tip["field"])
    return fields


def colour_ranges(spec: dict[str, Any]) -> list[list[str]]:
    return [
        d["scale"]["range"]
        for d in channel_defs(spec, "color")
        if isinstance(d.get("scale"), dict) and "range" in d["scale"]
    ]


def rows(spec: dict[str, Any]) -> list[dict[str, Any]]:
    """All inline data rows (Altair puts them in top-level datasets)."""
    return [row for data in spec.get("datasets", {}).values() for row in data]


def rule_rows(spec: dict[str, Any]) -> list[dict[str, Any]]:
    """Data rows drawn by rule marks (rules get their own small datasets)."""
    found = []
    for node in walk(spec):
        mark = node.get("mark")
        mark_type = mark.get("type") if isinstance(mark, dict) else mark
        name = node.get("data", {}).get("name") if "data" in node else None
        if mark_type == "rule" and name:
            found += spec["datasets"][name]
    return found


def title_of(spec: dict[str, Any]) -> dict[str, Any]:
    title = spec["title"]
    return title if isinstance(title, dict) else {"text": title}


def subtitle_text(spec: dict[str, Any]) -> str:
    subtitle = title_of(spec).get("subtitle", "")
    return " ".join(subtitle) if isinstance(subtitle, list) else subtitle


def svg_text(chart: Any) -> str:
    """The visible text of a rendered chart (tspans of a label joined)."""
    svg = to_svg(chart)
    texts = re.findall(r"<text[^>]*>(.*?)</text>", svg, flags=re.S)
    return "\n".join(
        " ".join(re.findall(r"<tspan[^>]*>([^<]*)</tspan>", t)) or t for t in texts
    )


ALL_BUILT = {
    "distribution": lambda: distribution_chart(distribution_df(), k=5),
    "means": lambda: means_chart(means_df(), k=5),
    "trend": lambda: trend_chart(
        trend_df(), markers_df(), dimension_label="Psychological safety", k=5
    ),
    "gap": lambda: gap_chart(gap_df(), k=5),
    "agreement": lambda: agreement_chart(agreement_df(), k=5),
}


# ------------------------------------------------------------------ every chart


@pytest.mark.parametrize("name", sorted(ALL_BUILT))
def test_every_chart_has_title_subtitle_and_axis_titles(name: str) -> None:
    spec = ALL_BUILT[name]().to_dict()
    title = title_of(spec)
    assert title["text"].strip()
    assert HIDDEN_NOTE in subtitle_text(spec)
    titles = axis_titles(spec)
    assert titles["x"], f"{name}: no x axis title"
    assert titles["y"], f"{name}: no y axis title"


@pytest.mark.parametrize("name", sorted(ALL_BUILT))
def test_every_chart_shows_n_in_its_tooltip(name: str) -> None:
    fields = tooltip_fields(ALL_BUILT[name]().to_dict())
    assert fields & {"n", "n_a"}, fields
    if name == "gap":
        assert {"n_a", "n_b"} <= fields


@pytest.mark.parametrize("name", sorted(ALL_BUILT))
def test_every_chart_is_readable_on_a_projector(name: str) -> None:
    spec = ALL_BUILT[name]().to_dict()
    config = spec["config"]
    assert config["axis"]["labelFontSize"] >= 13
    assert config["axis"]["titleFontSize"] >= 13
    assert config["legend"]["labelFontSize"] >= 13
    assert config["title"]["fontSize"] >= 13
    assert config["title"]["subtitleFontSize"] >= 13
    for node in walk(spec):
        if node.get("type") == "text" and "fontSize" in node:
            assert node["fontSize"] >= 13
    assert spec["width"] == "container"


@pytest.mark.parametrize("name", sorted(ALL_BUILT))
def test_every_chart_uses_colour_blind_safe_colours(name: str) -> None:
    ranges = colour_ranges(ALL_BUILT[name]().to_dict())
    assert ranges
    for colours in ranges:
        if name == "distribution":
            assert colours == [
                "#B35806",
                "#E08214",
                "#FDB863",
                "#BDBDBD",
                "#92C5DE",
                "#4393C3",
                "#2166AC",
            ]
        else:
            assert set(colours) <= OKABE_ITO
            assert "#F0E442" not in colours  # yellow vanishes on a projector


@pytest.mark.parametrize("name", sorted(ALL_BUILT))
def test_every_chart_carries_its_data_inline(name: str) -> None:
    spec = ALL_BUILT[name]().to_dict()
    assert not [d for d in walk(spec) if "url" in d]
    text = json.dumps(spec).replace(spec["$schema"], "")
    assert "http" not in text


# ------------------------------------------------------------------ distribution


def test_distribution_bars_are_centred_on_the_neutral_level() -> None:
    data = rows(distribution_chart(distribution_df()).to_dict())
    bars = [r for r in data if "level" in r]
    for dimension in ("Psychological safety", "Connection"):
        mine = sorted(
            (r for r in bars if r["dimension_label"] == dimension),
            key=lambda r: r["level"],
        )
        assert [r["level"] for r in mine] == list(range(1, 8))
        neutral = mine[3]
        assert neutral["x"] == pytest.approx(-neutral["x2"])
        assert sum(r["percent"] for r in mine) == pytest.approx(100)
        for left, right in zip(mine, mine[1:], strict=False):
            assert left["x2"] == pytest.approx(right["x"])
        assert {r["n"] for r in mine} == {12}
    safety = [r for r in bars if r["dimension_label"] == "Psychological safety"]
    level_3 = next(r for r in safety if r["level"] == 3)
    assert level_3["count"] == 3
    assert level_3["percent"] == pytest.approx(3 / 30 * 100)


def test_distribution_legend_lists_the_seven_levels_in_order() -> None:
    spec = distribution_chart(distribution_df()).to_dict()
    (colour,) = [d for d in channel_defs(spec, "color")]
    assert colour["scale"]["domain"] == [f"{k} {v}" for k, v in ANCHORS.items()]
    assert colour["sort"] == colour["scale"]["domain"]
    assert {"level_label", "count", "percent", "n"} <= tooltip_fields(spec)


def test_distribution_fills_missing_levels_and_prints_shares() -> None:
    df = pd.DataFrame(
        {
            "dimension_label": ["Purpose", "Purpose"],
            "level": [6, 2],
            "count": [3, 1],
            "n": [4, 4],
        }
    )
    data = rows(distribution_chart(df).to_dict())
    assert len([r for r in data if "level" in r]) == 7
    assert {r["text"] for r in data if "text" in r} == {"25%", "75%"}


# ------------------------------------------------------------------ means


def test_means_axis_is_the_answer_scale_with_its_anchors() -> None:
    chart = means_chart(means_df(), k=5)
    spec = chart.to_dict()
    (x,) = anchored(spec, "x")
    assert x["axis"]["values"] == list(range(1, 8))
    for level, anchor in ANCHORS.items():
        for line in charts.level_label_lines(level):
            assert json.dumps(line) in x["axis"]["labelExpr"]
        assert anchor.split()[-1] in x["axis"]["labelExpr"]
    shown = svg_text(chart)
    for level, anchor in ANCHORS.items():
        assert f"{level} {anchor}" in shown


def test_means_offsets_and_colours_groups_only_when_there_are_several() -> None:
    spec = means_chart(means_df()).to_dict()
    assert channel_defs(spec, "yOffset")
    (colours,) = {tuple(r) for r in colour_ranges(spec)}
    assert colours == ("#000000", "#0072B2", "#E69F00")  # Everyone first, black
    assert title_of(spec)["text"] == "Average answer per dimension and group"

    single = means_chart(means_df(("Everyone",))).to_dict()
    assert not channel_defs(single, "yOffset")
    assert all(d.get("legend", "none") is None for d in channel_defs(single, "color"))


def test_means_tooltip_has_interval_and_n() -> None:
    spec = means_chart(means_df()).to_dict()
    assert {"mean", "interval", "n", "group"} <= tooltip_fields(spec)
    data = rows(spec)
    assert data[0]["interval"] == "3.90 to 5.10"


def test_means_without_an_interval_still_draws_the_dot() -> None:
    df = means_df(("Social work",)).assign(low=float("nan"), high=float("nan"))
    spec = means_chart(df).to_dict()
    assert {r["interval"] for r in rows(spec)} == {"not available"}
    assert to_png(means_chart(df)).startswith(PNG_SIGNATURE)


# ------------------------------------------------------------------ trend


def test_trend_y_axis_is_the_answer_scale_with_anchor_labels() -> None:
    chart = trend_chart(trend_df(), dimension_label="Psychological safety")
    spec = chart.to_dict()
    (y,) = anchored(spec, "y")
    assert y["axis"]["values"] == list(range(1, 8))
    for level, anchor in ANCHORS.items():
        assert f"{level} {anchor}" in y["axis"]["labelExpr"]
    shown = svg_text(chart)
    assert "1 Strongly disagree" in shown
    assert "7 Strongly agree" in shown
    assert title_of(spec)["text"].startswith("Psychological safety")


def test_trend_x_axis_lists_pulses_in_timeline_order() -> None:
    shuffled = trend_df().sample(frac=1, random_state=3)
    spec = trend_chart(shuffled).to_dict()
    x_axes = {json.dumps(d["axis"]) for d in channel_defs(spec, "x") if "axis" in d}
    (axis,) = [json.loads(a) for a in x_axes]
    assert axis["values"] == [1.0, 2.0, 3.0, 4.0]
    assert axis["title"]
    expr = axis["labelExpr"]
    shown = {}
    for case in expr.split("datum.value == ")[1:]:
        value, text = case.split(" ? ", 1)
        lines = json.loads(text.rsplit(" : ", 1)[0])
        shown[float(value)] = " ".join(lines) if isinstance(lines, list) else lines
    assert shown == {float(i): label for i, (label, _, _) in enumerate(PULSES, 1)}
    assert "Follow-up" in svg_text(trend_chart(shuffled))


def test_trend_marks_the_follow_up_when_there_is_one() -> None:
    spec = trend_chart(trend_df(follow_up=True)).to_dict()
    (marker,) = [r for r in rows(spec) if str(r.get("text", "")).startswith("Follow")]
    assert marker["text"] == "Follow-up (2026-05-20)"
    assert marker["order"] == pytest.approx(3.5)  # between the workshop and follow-up
    assert any("Follow-up (" in str(r.get("text")) for r in rule_rows(spec))

    without = trend_chart(trend_df(follow_up=False)).to_dict()
    assert "Follow-up (" not in json.dumps(without)


def test_trend_draws_agreed_actions_as_dashed_rules() -> None:
    spec = trend_chart(trend_df(), markers_df()).to_dict()
    labels = {r["label"] for r in rows(spec) if "label" in r}
    assert labels == {"Agreed: joint case reviews", "Agreed: shared form"}
    dashed = [d for d in walk(spec) if d.get("type") == "rule" and d.get("strokeDash")]
    assert dashed
    assert "actions agreed" in subtitle_text(spec)


def test_trend_tooltip_names_pulse_date_group_and_n() -> None:
    spec = trend_chart(trend_df()).to_dict()
    assert {"pulse_label", "date", "group", "mean", "n"} <= tooltip_fields(spec)


def test_trend_with_several_dimensions_stacks_one_panel_each() -> None:
    df = pd.concat(
        [
            trend_df().assign(dimension_label="Psychological safety"),
            trend_df().assign(dimension_label="Connection"),
        ]
    )
    spec = trend_chart(df).to_dict()
    assert [p["title"]["text"] for p in spec["vconcat"]] == [
        "Psychological safety",
        "Connection",
    ]
    one = trend_chart(df, dimension_label="Connection").to_dict()
    assert "vconcat" not in one
    assert title_of(one)["text"].startswith("Connection")
    assert to_png(trend_chart(df)).startswith(PNG_SIGNATURE)


def test_trend_accepts_sqlite_style_follow_up_flags() -> None:
    df = trend_df().assign(is_follow_up=lambda d: d["is_follow_up"].astype(int))
    assert "Follow-up (" in json.dumps(trend_chart(df).to_dict())


# ------------------------------------------------------------------ gap


def test_gap_has_zero_line_and_names_the_difference() -> None:
    spec = gap_chart(gap_df(), k=5).to_dict()
    assert "Difference in mean (Social work − Education)" in axis_titles(spec)["y"]
    assert title_of(spec)["text"] == "Are the teams converging?"
    zero = [r for r in rule_rows(spec) if r.get("text") == "No difference"]
    assert zero == [{"y": 0.0, "text": "No difference"}]
    (y_scale,) = {
        tuple(d["scale"]["domain"])
        for d in channel_defs(spec, "y")
        if "domain" in d.get("scale", {})
    }
    assert y_scale[0] == -y_scale[1]  # symmetric around "no difference"
    assert {"gap", "interval", "n_a", "n_b"} <= tooltip_fields(spec)


def test_gap_refuses_more_than_one_pair() -> None:
    df = pd.concat([gap_df(), gap_df().assign(group_b="Health")])
    with pytest.raises(ValueError, match="one pair"):
        gap_chart(df)


# ------------------------------------------------------------------ agreement


def test_agreement_has_the_070_rule_and_a_0_to_1_axis() -> None:
    spec = agreement_chart(agreement_df(), k=5).to_dict()
    threshold = [r for r in rule_rows(spec) if r.get("text") == AGREEMENT]
    assert threshold == [{"y": 0.7, "text": AGREEMENT}]
    domains = [d["scale"]["domain"] for d in channel_defs(spec, "y") if "scale" in d]
    assert domains and all(dom == [0, 1] for dom in domains)
    assert {"rwg", "n", "group"} <= tooltip_fields(spec)
    assert "0.70: strong agreement" in svg_text(agreement_chart(agreement_df()))


def test_agreement_with_several_dimensions_stacks_panels() -> None:
    df = agreement_df(("Psychological safety", "Purpose"))
    spec = agreement_chart(df).to_dict()
    assert len(spec["vconcat"]) == 2
    assert len([r for r in rule_rows(spec) if r.get("text") == AGREEMENT]) == 2
    single = agreement_chart(df, dimension_label="Purpose").to_dict()
    assert title_of(single)["text"] == "Purpose: are we on the same page?"


# ------------------------------------------------------------------ empty / bad input

BUILDERS = {
    "distribution": (distribution_chart, charts.DISTRIBUTION_COLUMNS),
    "means": (means_chart, charts.MEANS_COLUMNS),
    "trend": (trend_chart, charts.TREND_COLUMNS),
    "gap": (gap_chart, charts.GAP_COLUMNS),
    "agreement": (agreement_chart, charts.AGREEMENT_COLUMNS),
}


@pytest.mark.parametrize("name", sorted(BUILDERS))
def test_empty_input_gives_a_chart_saying_so(name: str) -> None:
    builder, columns = BUILDERS[name]
    for empty in (pd.DataFrame(), pd.DataFrame(columns=list(columns))):
        chart = builder(empty)
        spec = chart.to_dict()
        assert title_of(spec)["text"]
        assert "No results to show yet" in json.dumps(spec)
    assert to_png(builder(pd.DataFrame())).startswith(PNG_SIGNATURE)


def test_filtering_to_an_absent_dimension_gives_the_empty_chart() -> None:
    for chart in (
        trend_chart(trend_df().assign(dimension_label="Purpose"), dimension_label="X"),
        gap_chart(gap_df(), dimension_label="X"),
        agreement_chart(agreement_df(), dimension_label="X"),
    ):
        assert "No results to show yet" in json.dumps(chart.to_dict())


@pytest.mark.parametrize("name", sorted(BUILDERS))
def test_missing_columns_are_named(name: str) -> None:
    builder, columns = BUILDERS[name]
    df = pd.DataFrame({"something": [1]})
    with pytest.raises(ValueError, match=columns[0]):
        builder(df)


# ------------------------------------------------------------------ export


@pytest.mark.parametrize("name", sorted(ALL_BUILT))
def test_png_and_svg_render(name: str) -> None:
    chart = ALL_BUILT[name]()
    png = to_png(chart)
    assert isinstance(png, bytes)
    assert png.startswith(PNG_SIGNATURE)
    svg = to_svg(chart)
    assert isinstance(svg, str)
    assert "<svg" in svg


def test_export_gives_the_container_width_a_fixed_size() -> None:
    spec = charts.export_spec(means_chart(means_df()), width=700)
    assert spec["width"] == 700
    assert "container" not in json.dumps(spec)


def test_export_refuses_remote_data() -> None:
    import altair as alt

    remote = (
        alt.Chart(alt.UrlData("https://example.invalid/data.csv"))
        .mark_point()
        .encode(x="a:Q")
    )
    with pytest.raises(ValueError, match="not allowed"):
        to_png(remote)
