"""Altair chart builders for facilitators: data in, Altair chart out.

``style`` holds the shared look (colours, anchors, titles); ``live`` the
live-room charts; ``trends`` the programme charts; ``files`` PNG/SVG export.
"""

from rendering.charts.files import export_spec, to_png, to_svg
from rendering.charts.live import distribution_chart, means_chart
from rendering.charts.style import (
    AGREEMENT_COLUMNS,
    DISTRIBUTION_COLUMNS,
    GAP_COLUMNS,
    MEANS_COLUMNS,
    TREND_COLUMNS,
    level_label,
    level_label_lines,
)
from rendering.charts.trends import agreement_chart, gap_chart, trend_chart

__all__ = [
    "AGREEMENT_COLUMNS",
    "DISTRIBUTION_COLUMNS",
    "GAP_COLUMNS",
    "MEANS_COLUMNS",
    "TREND_COLUMNS",
    "agreement_chart",
    "distribution_chart",
    "export_spec",
    "gap_chart",
    "level_label",
    "level_label_lines",
    "means_chart",
    "to_png",
    "to_svg",
    "trend_chart",
]
