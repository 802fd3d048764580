"""The template suggests only working days: no weekends, nothing 24 Dec–1 Jan."""

from __future__ import annotations

from datetime import date, timedelta

from survey.template import four_month_template, is_working_day


def test_every_suggested_date_is_a_working_day_for_any_start() -> None:
    day = date(2026, 1, 1)
    while day < date(2028, 1, 1):
        plan = four_month_template(["Social work", "Education", "Health"], day)
        dates = [s.date for s in plan]
        assert all(is_working_day(d) for d in dates), (day, dates)
        assert dates == sorted(dates)
        day_one, day_two = dates[-3], dates[-2]
        assert day_one < day_two <= day_one + timedelta(days=3)
        day += timedelta(days=1)


def test_the_reported_christmas_eve_session_moves_to_january() -> None:
    # Issue 13 finding 6: a group session fell on 24 December.
    plan = four_month_template(["Social work", "Education"], date(2026, 12, 3))
    assert date(2026, 12, 24) not in [s.date for s in plan]
    assert [s.date for s in plan][1] == date(2027, 1, 4)


def test_working_days() -> None:
    assert is_working_day(date(2026, 12, 23))
    assert not is_working_day(date(2026, 12, 24))
    assert not is_working_day(date(2026, 12, 28))  # a Monday in the closed week
    assert not is_working_day(date(2027, 1, 1))
    assert is_working_day(date(2027, 1, 4))
    assert not is_working_day(date(2027, 1, 2))  # Saturday
