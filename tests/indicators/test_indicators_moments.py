"""Rules about the child's state at a moment: non_mobile_injury, unknown_adult,
restricted_adult and child_not_seen (contracts.md §3, Semantics)."""

from __future__ import annotations

from datetime import datetime

from tests.indicators.helpers import DAY, SECOND, Chronology, alerts, day, fired

# --- non_mobile_injury ---------------------------------------------------------------------


def test_an_injury_to_a_child_recorded_as_not_mobile() -> None:
    c = Chronology()
    c.injury(day(0), mobile=False)
    (alert,) = alerts(c.events)
    assert (alert.rule, alert.raised_at, alert.evidence) == ("non_mobile_injury", day(0), ("e1",))
    assert "not independently mobile" in alert.explanation
    assert "NICE CG89" in alert.guidance


def test_mobile_true_never_fires_even_for_a_baby() -> None:
    c = Chronology()
    c.registered(day(0), dob="2009-01-01")
    c.injury(day(10), mobile=True)
    assert fired(alerts(c.events)) == []


def _injury_on(local_time: str, dob: str, mobile: object = None) -> list[str]:
    c = Chronology()
    c.registered(datetime.fromisoformat("2008-01-01T09:00:00+00:00"), dob=dob)
    c.injury(datetime.fromisoformat(local_time), mobile=mobile)
    return [a.rule for a in alerts(c.events)]


def test_under_six_months_when_mobility_is_not_recorded() -> None:
    assert _injury_on("2009-03-01T10:00:00+00:00", "2008-09-02") == ["non_mobile_injury"]
    assert _injury_on("2009-03-02T10:00:00+00:00", "2008-09-02") == []  # six months today


def test_six_months_from_the_31st_is_clamped_to_the_end_of_the_month() -> None:
    # 2008-08-31 + 6 months = 2009-02-28 (there is no 31 February).
    assert _injury_on("2009-02-27T12:00:00+00:00", "2008-08-31") == ["non_mobile_injury"]
    assert _injury_on("2009-02-28T12:00:00+00:00", "2008-08-31") == []
    # In a leap year the clamp is the 29th.
    assert _injury_on("2008-02-28T12:00:00+00:00", "2007-08-31") == ["non_mobile_injury"]
    assert _injury_on("2008-02-29T12:00:00+00:00", "2007-08-31") == []


def test_age_uses_the_local_date_written_in_the_injury_time() -> None:
    # 00:30 on the 28th at +01:00 is still the 27th in UTC: the written date (28th) counts.
    assert _injury_on("2009-02-28T00:30:00+01:00", "2008-08-31") == []
    # 23:30 on the 27th at -05:00 is the 28th in UTC: the written date (27th) counts.
    assert _injury_on("2009-02-27T23:30:00-05:00", "2008-08-31") == ["non_mobile_injury"]


def test_mobile_counts_only_when_true_or_false() -> None:
    assert _injury_on("2009-01-10T10:00:00+00:00", "2008-12-01", mobile="no") == [
        "non_mobile_injury"
    ]
    assert _injury_on("2010-01-10T10:00:00+00:00", "2008-12-01", mobile="no") == []


def test_no_known_date_of_birth_means_no_age_rule() -> None:
    c = Chronology()
    c.injury(day(0), mobile=None)  # not registered
    d = Chronology("C-2")
    d.registered(day(0), dob="not a date")
    d.injury(day(1), mobile=None)
    e = Chronology("C-3")
    e.injury(day(1), mobile=None)
    e.registered(day(2), dob="2009-01-01")  # registered after the injury: not yet known then
    assert fired(alerts(c.events + d.events + e.events)) == []


def test_of_two_registrations_at_one_moment_the_later_line_gives_the_date_of_birth() -> None:
    c = Chronology()
    c.registered(day(0), dob="2000-01-01")
    c.registered(day(0), dob="2009-01-01")  # a correction, written after the first
    c.injury(day(10), mobile=None)
    assert [a.rule for a in alerts(c.events)] == ["non_mobile_injury"]
    assert "born 2009-01-01" in alerts(c.events)[0].explanation


def test_every_qualifying_injury_raises_its_own_alert() -> None:
    c = Chronology()
    c.injury(day(0), mobile=False)
    c.injury(day(0), mobile=False)
    c.injury(day(50), mobile=False)
    assert fired(alerts(c.events), "non_mobile_injury") == [
        ("non_mobile_injury", day(0), ["e1"]),
        ("non_mobile_injury", day(0), ["e2"]),
        ("non_mobile_injury", day(50), ["e3"]),
    ]


# --- unknown_adult -------------------------------------------------------------------------


def test_an_adult_not_in_the_recorded_household() -> None:
    c = Chronology()
    c.joins(day(0), "P-mother")
    c.visit(day(1), adults=["P-mother"])
    c.callout(day(2), adults=["P-mother", "P-stranger"])
    (alert,) = alerts(c.events)
    assert (alert.rule, alert.raised_at, alert.evidence) == ("unknown_adult", day(2), ("e3",))
    assert alert.explanation.startswith("P-stranger present at police_callout (police")


def test_household_changes_at_the_same_moment_are_part_of_the_state() -> None:
    joining = Chronology("C-1")
    joining.joins(day(0), "P-1")
    joining.visit(day(0), adults=["P-1"])  # joined at that moment: a member
    leaving = Chronology("C-2")
    leaving.joins(day(0), "P-1")
    leaving.leaves(day(3), "P-1")
    leaving.visit(day(3), adults=["P-1"])  # left at that moment: no longer a member
    leaving.joins(day(5), "P-1")
    leaving.visit(day(6), adults=["P-1"])  # back again
    found = alerts(joining.events + leaving.events)
    assert [(a.child, a.evidence) for a in found] == [("C-2", ("e3",))]


def test_each_event_naming_unknown_adults_raises_one_alert_naming_them_all() -> None:
    c = Chronology()
    c.visit(day(1), adults=["P-1", "P-2", "P-1"])
    c.add("concern", day(1), "public", summary="men at the flat", adults_present=["P-2"])
    found = alerts(c.events)
    assert fired(found, "unknown_adult") == [
        ("unknown_adult", day(1), ["e1"]),
        ("unknown_adult", day(1), ["e2"]),
    ]
    assert found[0].explanation.startswith("P-1 and P-2 present at visit")


def test_a_household_is_per_child() -> None:
    sibling = Chronology("C-1")
    sibling.joins(day(0), "P-1")
    child = Chronology("C-2")
    child.visit(day(1), adults=["P-1"])
    assert [a.child for a in alerts(sibling.events + child.events)] == ["C-2"]


def test_malformed_adults_present_entries_are_ignored() -> None:
    c = Chronology()
    c.add("visit", day(1), "health", child_seen=True, adults_present=["", 7, None])
    c.add("visit", day(2), "health", child_seen=True, adults_present="P-1")
    assert fired(alerts(c.events)) == []


# --- restricted_adult ----------------------------------------------------------------------


def test_restriction_on_a_household_member() -> None:
    c = Chronology()
    c.joins(day(0), "P-7")
    c.restriction(day(4), "P-7")
    (alert,) = alerts(c.events)
    assert (alert.rule, alert.raised_at, alert.evidence) == (
        "restricted_adult",
        day(4),
        ("e1", "e2"),
    )
    assert "P-7 carries a restriction (no contact" in alert.explanation
    assert "member of the household" in alert.explanation


def test_restriction_first_then_the_adult_is_present_whichever_comes_last() -> None:
    c = Chronology()
    c.restriction(day(0), "P-7")
    c.visit(day(9), adults=["P-7"])
    found = alerts(c.events)
    assert fired(found, "restricted_adult") == [("restricted_adult", day(9), ["e1", "e2"])]


def test_restriction_then_an_association() -> None:
    c = Chronology()
    c.restriction(day(0), "P-7")
    c.associated(day(3), "P-7")
    assert fired(alerts(c.events)) == [("restricted_adult", day(3), ["e1", "e2"])]


def test_a_restricted_adult_with_no_tie_to_the_child_raises_nothing() -> None:
    c = Chronology()
    c.restriction(day(0), "P-7")
    c.joins(day(1), "P-8")
    c.visit(day(2), adults=["P-8"])
    assert fired(alerts(c.events)) == []


def test_leaving_the_household_makes_it_false_and_rejoining_raises_again() -> None:
    c = Chronology()
    c.joins(day(0), "P-7")
    c.restriction(day(1), "P-7")
    c.leaves(day(5), "P-7")
    c.joins(day(9), "P-7")
    assert fired(alerts(c.events)) == [
        ("restricted_adult", day(1), ["e1", "e2"]),
        ("restricted_adult", day(9), ["e2", "e4"]),
    ]


def test_being_named_at_an_event_ties_an_adult_for_good() -> None:
    c = Chronology()
    c.joins(day(0), "P-7")
    c.visit(day(1), adults=["P-7"])
    c.restriction(day(2), "P-7")
    c.leaves(day(5), "P-7")
    c.joins(day(9), "P-7")  # still tied by the visit: the rule never went false
    c.restriction(day(10), "P-7")  # a second restriction while true raises nothing
    assert fired(alerts(c.events)) == [("restricted_adult", day(2), ["e1", "e3"])]


def test_restrictions_are_per_person() -> None:
    c = Chronology()
    c.joins(day(0), "P-1")
    c.joins(day(0), "P-2")
    c.restriction(day(1), "P-1")
    c.restriction(day(1), "P-2")
    assert fired(alerts(c.events)) == [
        ("restricted_adult", day(1), ["e1", "e3"]),
        ("restricted_adult", day(1), ["e2", "e4"]),
    ]


# --- child_not_seen ------------------------------------------------------------------------


def _plan_without_visits(as_of: datetime) -> list[tuple[str, datetime, list[str]]]:
    c = Chronology()
    c.plan_start(day(0))
    return fired(alerts(c.events, as_of=as_of))


def test_not_seen_fires_on_the_16th_day_and_is_raised_when_15_days_ran_out() -> None:
    assert _plan_without_visits(day(15) + SECOND) == [("child_not_seen", day(15), ["e1"])]
    assert _plan_without_visits(day(15)) == []


def test_a_seen_visit_exactly_15_days_on_is_in_time() -> None:
    on_time = Chronology("C-1")
    on_time.plan_start(day(0))
    on_time.visit(day(15))
    late = Chronology("C-2")
    late.plan_start(day(0))
    late.visit(day(15) + SECOND)
    found = alerts(on_time.events + late.events, as_of=day(20))
    assert [(a.child, a.rule, a.raised_at, a.evidence) for a in found] == [
        ("C-2", "child_not_seen", day(15), ("e1",))
    ]


def test_the_clock_restarts_at_each_seen_visit_only() -> None:
    c = Chronology()
    c.plan_start(day(0))
    c.visit(day(10))
    c.visit(day(20), seen=False)  # the child was not seen: no restart
    c.visit(day(24), seen="yes")  # not a boolean: no restart
    (alert,) = alerts(c.events, as_of=day(30))
    assert (alert.raised_at, alert.evidence) == (day(25), ("e2",))
    assert "last seen at a visit by social_care on 2009-01-15 (e2)" in alert.explanation


def test_a_seen_visit_at_the_moment_the_plan_starts_is_the_clock_event() -> None:
    c = Chronology()
    c.plan_start(day(0))
    c.visit(day(0))
    assert fired(alerts(c.events, as_of=day(16))) == [("child_not_seen", day(15), ["e2"])]


def test_the_plan_ending_stops_the_clock() -> None:
    late = Chronology("C-1")
    late.plan_start(day(0))
    late.plan_end(day(16))
    in_time = Chronology("C-2")
    in_time.plan_start(day(0))
    in_time.plan_end(day(15))
    found = alerts(late.events + in_time.events, as_of=day(60))
    assert [(a.child, a.raised_at) for a in found] == [("C-1", day(15))]


def test_visits_before_the_plan_do_not_start_its_clock() -> None:
    c = Chronology()
    c.visit(day(0))
    c.plan_start(day(5))
    assert fired(alerts(c.events, as_of=day(21))) == [("child_not_seen", day(20), ["e2"])]


def test_one_alert_per_clock_and_a_new_clock_after_the_next_seen_visit() -> None:
    c = Chronology()
    c.plan_start(day(0))
    c.visit(day(40))
    assert fired(alerts(c.events, as_of=day(60))) == [
        ("child_not_seen", day(15), ["e1"]),
        ("child_not_seen", day(55), ["e2"]),
    ]


def test_a_plan_ended_and_another_started_at_one_moment_keeps_the_clock_running() -> None:
    c = Chronology()
    c.plan_start(day(0))
    c.plan_end(day(10))
    c.plan_start(day(10))
    assert fired(alerts(c.events, as_of=day(16))) == [("child_not_seen", day(15), ["e1"])]


def test_a_new_plan_after_a_gap_starts_a_new_clock() -> None:
    c = Chronology()
    c.plan_start(day(0))
    c.plan_end(day(5))
    c.plan_start(day(30))
    assert fired(alerts(c.events, as_of=day(46))) == [("child_not_seen", day(45), ["e3"])]


def test_the_default_as_of_is_the_latest_event_of_the_whole_file() -> None:
    on_plan = Chronology("C-1")
    on_plan.plan_start(day(0))
    other = Chronology("C-2")
    other.concern(day(30))
    assert [(a.child, a.rule) for a in alerts(on_plan.events + other.events)] == [
        ("C-1", "child_not_seen")
    ]


def test_fifteen_days_across_the_autumn_clock_change_are_15_times_24_hours() -> None:
    # Clocks went back on 2009-10-25. From 10:00 BST on the 20th, 15 x 24 hours later is
    # 09:00 GMT on 4 November, an hour earlier on the wall clock.
    start = datetime.fromisoformat("2009-10-20T10:00:00+01:00")
    on_time = Chronology("C-1")
    on_time.plan_start(start)
    on_time.visit(datetime.fromisoformat("2009-11-04T09:00:00+00:00"))
    late = Chronology("C-2")
    late.plan_start(start)
    late.visit(datetime.fromisoformat("2009-11-04T10:00:00+00:00"))  # same wall time as start
    found = alerts(on_time.events + late.events, as_of=start + 30 * DAY)
    assert [(a.child, a.raised_at.isoformat()) for a in found] == [
        ("C-2", "2009-11-04T09:00:00+00:00")
    ]
