"""Percentiles and distributions in milliseconds, shared by every benchmark."""

from __future__ import annotations

import math


def pct_of(values: list[float], p: float) -> float | None:
    if not values:
        return None
    ordered = sorted(values)
    return ordered[max(0, math.ceil(p / 100 * len(ordered)) - 1)]


def dist_ms(values: list[float | None]) -> dict:
    vals = [v * 1000 for v in values if v is not None]
    if not vals:
        return {"n": 0}
    return {
        "n": len(vals),
        "mean": sum(vals) / len(vals),
        "p50": pct_of(vals, 50),
        "p95": pct_of(vals, 95),
        "p99": pct_of(vals, 99),
        "max": max(vals),
    }


def fmt(v, spec=".0f", unit="") -> str:
    return "-" if v is None else f"{v:{spec}}{unit}"
