"""Estimates read the same whichever side of zero rounding noise falls on."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from survey.numbers import signed, signed_interval, two_decimals


def test_a_value_that_rounds_to_zero_has_no_minus() -> None:
    # An alpha of about 1e-15 read "-0.00" once and "+0.00" after the same
    # people were grouped differently (found by test_reliability_buckets).
    assert two_decimals(-1e-15) == two_decimals(1e-15) == "0.00"
    assert signed(-0.004) == signed(0.004) == "+0.00"
    assert signed_interval(-0.001, -0.5, 0.3) == "+0.00 [-0.50, +0.30]"


def test_real_signs_are_kept() -> None:
    assert signed(-0.006) == "-0.01"
    assert two_decimals(-0.12) == "-0.12"
    assert signed(0.25) == "+0.25"


@given(st.floats(min_value=-100, max_value=100))
def test_a_number_and_its_negation_differ_only_in_sign(value: float) -> None:
    shown, negated = signed(value), signed(-value)
    assert shown[1:] == negated[1:]
    assert (shown == negated) == (shown[1:] == "0.00")
