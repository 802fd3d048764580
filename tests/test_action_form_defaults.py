"""The actions form starts at the session being run, not the first one."""

from __future__ import annotations

from datetime import date

from survey.actions import current_session

TODAY = date(2027, 3, 10)


def test_a_session_with_an_open_pulse_is_the_current_one() -> None:
    sessions = [("2027-01-11", False), ("2027-03-10", False), ("2027-03-11", True)]
    assert current_session(sessions, TODAY) == 2


def test_otherwise_the_last_session_held_by_today() -> None:
    sessions = [("2027-01-11", False), ("2027-03-09", False), ("2027-09-01", False)]
    assert current_session(sessions, TODAY) == 1
    assert current_session([(None, False), ("2027-03-10", False)], TODAY) == 1


def test_before_the_programme_starts_the_first_session() -> None:
    assert current_session([("2027-04-01", False), ("2027-05-01", False)], TODAY) == 0
