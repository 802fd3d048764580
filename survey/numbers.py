"""How estimates are written: two decimals, and never "-0.00".

Python writes a tiny negative number (an α of -1e-15, a difference of -0.001)
as "-0.00", and the same quantity computed in another order as "+0.00": two
readings that look different about one figure. The ``z`` format option
(PEP 682, Python 3.11) writes a value that rounds to zero without its minus.
Every signed estimate and interval in sentences and tables is written here.
"""

from __future__ import annotations

__all__ = ["signed", "signed_interval", "two_decimals"]


def two_decimals(value: float) -> str:
    """``0.71``, ``-0.12``; a value that rounds to zero is ``0.00``."""
    return f"{value:z.2f}"


def signed(value: float) -> str:
    """``+0.25``, ``-0.40``; a value that rounds to zero is ``+0.00``."""
    return f"{value:+z.2f}"


def signed_interval(estimate: float, low: float, high: float) -> str:
    """``+0.25 [-0.10, +0.60]``: an estimate and its interval, signed."""
    return f"{signed(estimate)} [{signed(low)}, {signed(high)}]"
