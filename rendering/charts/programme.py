"""Every chart of a programme's trends, as Vega-Lite specs keyed by name.

Shared by the Trends page and the report, so both draw the same charts, in
the language the trends were computed in (``ProgrammeTrends.language``).
"""

from __future__ import annotations

import pandas as pd

from rendering.charts.trends import agreement_chart, trend_chart
from survey import trends
from survey.findings import dimensions_in
from survey.instrument import dimension_label


def trend_chart_specs(
    result: trends.ProgrammeTrends, markers: pd.DataFrame
) -> dict[str, dict]:
    specs: dict[str, dict] = {}
    for dimension in dimensions_in(result):
        label = dimension_label(dimension)
        shown = result.figures[result.figures["dimension"] == dimension]
        specs[f"trend-{dimension}"] = trend_chart(
            shown, markers, dimension_label=label, k=result.k, language=result.language
        ).to_dict()
        agreement = result.agreement[result.agreement["dimension_label"] == label]
        specs[f"agreement-{dimension}"] = agreement_chart(
            agreement, dimension_label=label, k=result.k, language=result.language
        ).to_dict()
    return specs
