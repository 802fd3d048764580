"""Charts as files: a fixed-width spec, PNG and SVG rendered offline (vl-convert)."""

from __future__ import annotations

from typing import Any

import vl_convert as vlc

from rendering.charts.style import (
    EXPORT_WIDTH,
)


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
