"""Window rules at their thresholds: repeat_injury, repeat_attendance, multi_agency_concern and
the count part of was_not_brought (contracts.md §3: "within N days" is at most N x 24 hours,
inclusive; a window rule raises when it goes from false to true, and turns false as soon as
events age out of its window)."""

from __future__ import annotations

from datetime import datetime

from tests.indicators.helpers import BST, DAY, SECOND, Chronology, alerts, day, fired

# --- repeat_injury -------------------------------------------------------------------------


def test_third_injury_exactly_90_days_after_the_first_raises_with_the_window_as_evidence() -> None:
    c = Chronology()
    c.injury(day(0))
    c.injury(day(45))
    c.injury(day(90))
    assert fired(alerts(c.events), "repeat_injury") == [
        ("repeat_injury", day(90), ["e1", "e2", "e3"])
    ]


def test_third_injury_a_second_after_90_days_is_not_a_repeat() -> None:
    c = Chronology()
    c.injury(day(0))
    c.injury(day(45))
    c.injury(day(90) + SECOND)
    assert fired(alerts(c.events), "repeat_injury") == []


def test_two_injuries_from_two_agencies_within_30_days() -> None:
    c = Chronology()
    c.injury(day(0), "health")
    c.injury(day(30), "education")
    (alert,) = alerts(c.events)
    assert (alert.rule, alert.raised_at, alert.evidence) == ("repeat_injury", day(30), ("e1", "e2"))
    assert "2 different agencies (education, health) within 30 days" in alert.explanation
    assert "e1 (health, 2009-01-05)" in alert.explanation


def test_two_agencies_but_more_than_30_days_apart_do_not_count() -> None:
    c = Chronology()
    c.injury(day(0), "health")
    c.injury(day(30) + SECOND, "education")
    assert fired(alerts(c.events)) == []


def test_two_injuries_from_one_agency_or_an_unrecorded_one_do_not_count() -> None:
    c = Chronology()
    c.injury(day(0), "health")
    c.injury(day(1), "health")
    d = Chronology("C-2")
    d.injury(day(0), "health")
    d.injury(day(1), "")
    assert fired(alerts(c.events + d.events)) == []


def test_a_further_injury_while_the_window_holds_raises_nothing() -> None:
    c = Chronology()
    for n in (0, 10, 20, 80):
        c.injury(day(n))
    assert fired(alerts(c.events), "repeat_injury") == [
        ("repeat_injury", day(20), ["e1", "e2", "e3"])
    ]


def test_the_rule_turns_false_when_an_injury_ages_out_between_events_and_fires_again() -> None:
    # Injuries at days 0, 10, 20: true from day 20. Just after day 90 the first ages out and
    # only two remain: false, although no event happens then. Day 100 makes three again.
    c = Chronology()
    for n in (0, 10, 20, 100):
        c.injury(day(n))
    assert fired(alerts(c.events), "repeat_injury") == [
        ("repeat_injury", day(20), ["e1", "e2", "e3"]),
        ("repeat_injury", day(100), ["e2", "e3", "e4"]),
    ]


def test_while_three_remain_in_the_window_the_rule_stays_true_without_new_alerts() -> None:
    c = Chronology()
    for n in (0, 10, 20, 80, 95):
        c.injury(day(n))
    assert len(fired(alerts(c.events), "repeat_injury")) == 1


def test_injuries_at_one_instant_raise_one_alert() -> None:
    c = Chronology()
    for _ in range(3):
        c.injury(day(3))
    assert fired(alerts(c.events), "repeat_injury") == [
        ("repeat_injury", day(3), ["e1", "e2", "e3"])
    ]


def test_when_both_parts_hold_the_wider_window_is_the_evidence() -> None:
    c = Chronology()
    c.injury(day(0), "health")
    c.injury(day(70), "health")
    c.injury(day(80), "police")  # 3 in 90 days and 2 agencies in 30 days, at once
    (alert,) = alerts(c.events)
    assert alert.evidence == ("e1", "e2", "e3")
    assert alert.explanation.startswith("3 injuries within 90 days: e1 (health, 2009-01-05)")


# --- repeat_attendance ---------------------------------------------------------------------


def test_third_emergency_attendance_within_90_days() -> None:
    c = Chronology()
    c.attendance(day(0), "emergency_department")
    c.attendance(day(40), "urgent_care")
    c.attendance(day(60), "gp")  # not an emergency attendance
    c.attendance(day(90), "emergency_department")
    assert fired(alerts(c.events), "repeat_attendance") == [
        ("repeat_attendance", day(90), ["e1", "e2", "e4"])
    ]


def test_third_emergency_attendance_after_90_days_is_not_a_repeat() -> None:
    c = Chronology()
    for n in (0, 40):
        c.attendance(day(n))
    c.attendance(day(90) + SECOND)
    assert fired(alerts(c.events)) == []


def test_second_attendance_within_30_days_at_another_provider() -> None:
    c = Chronology()
    c.attendance(day(0), provider="North General")
    c.attendance(day(30), "urgent_care", provider="South Walk-in")
    (alert,) = alerts(c.events)
    assert (alert.rule, alert.evidence) == ("repeat_attendance", ("e1", "e2"))
    assert "2 different providers (North General, South Walk-in)" in alert.explanation


def test_same_or_unrecorded_provider_or_gp_settings_do_not_make_a_pair() -> None:
    same = Chronology("C-1")
    same.attendance(day(0), provider="North")
    same.attendance(day(1), provider="North")
    blank = Chronology("C-2")
    blank.attendance(day(0), provider="North")
    blank.attendance(day(1), provider="")
    gp = Chronology("C-3")
    gp.attendance(day(0), provider="North")
    gp.attendance(day(1), "gp", provider="South")
    late = Chronology("C-4")
    late.attendance(day(0), provider="North")
    late.attendance(day(30) + SECOND, provider="South")
    assert fired(alerts(same.events + blank.events + gp.events + late.events)) == []


# --- multi_agency_concern ------------------------------------------------------------------


def test_concerns_from_two_agencies_exactly_seven_days_apart() -> None:
    c = Chronology()
    c.concern(day(0), "public")
    c.callout(day(7))
    (alert,) = alerts(c.events)
    assert (alert.rule, alert.raised_at, alert.evidence) == (
        "multi_agency_concern",
        day(7),
        ("e1", "e2"),
    )
    assert "concern" in alert.explanation and "police_callout" in alert.explanation


def test_concerns_a_second_more_than_seven_days_apart_are_separate() -> None:
    c = Chronology()
    c.concern(day(0), "public")
    c.callout(day(7) + SECOND)
    assert fired(alerts(c.events)) == []


def test_an_injury_counts_as_a_concern_and_a_missed_appointment_does_not() -> None:
    c = Chronology()
    c.concern(day(0), "education")
    c.missed(day(1))
    assert fired(alerts(c.events)) == []
    c.injury(day(2), "health")
    assert fired(alerts(c.events), "multi_agency_concern") == [
        ("multi_agency_concern", day(2), ["e1", "e3"])
    ]


def test_multi_agency_concern_fires_again_only_after_its_window_emptied() -> None:
    c = Chronology()
    c.concern(day(0), "public")
    c.concern(day(3), "education")  # true from here
    c.concern(day(5), "health")  # still true: nothing new
    # The day-5 concern is 7 days and 1 hour old at day 12 + 1h: only the police concern is in
    # the window, so the rule is false and nothing is raised.
    c.concern(day(12, hours=1), "police")
    assert fired(alerts(c.events), "multi_agency_concern") == [
        ("multi_agency_concern", day(3), ["e1", "e2"])
    ]
    c.concern(day(13), "education")
    assert fired(alerts(c.events), "multi_agency_concern")[1] == (
        "multi_agency_concern",
        day(13),
        ["e4", "e5"],
    )


def test_seven_days_across_the_spring_clock_change_are_seven_times_24_hours() -> None:
    # 2009-03-29: clocks went forward. 12:00 GMT on the 22nd to 13:00 BST on the 29th is
    # exactly 7 x 24 hours; a second later is not within 7 days.
    inside = Chronology("C-1")
    inside.concern(datetime.fromisoformat("2009-03-22T12:00:00+00:00"), "public")
    inside.callout(datetime.fromisoformat("2009-03-29T13:00:00+01:00"))
    outside = Chronology("C-2")
    outside.concern(datetime.fromisoformat("2009-03-22T12:00:00+00:00"), "public")
    outside.callout(datetime.fromisoformat("2009-03-29T13:00:01+01:00"))
    found = alerts(inside.events + outside.events)
    assert [(a.child, a.raised_at.isoformat()) for a in found] == [
        ("C-1", "2009-03-29T12:00:00+00:00")
    ]


# --- was_not_brought -----------------------------------------------------------------------


def test_one_missed_appointment_without_a_plan_is_not_enough() -> None:
    c = Chronology()
    c.missed(day(0))
    assert fired(alerts(c.events)) == []


def test_second_missed_appointment_within_90_days() -> None:
    inside = Chronology("C-1")
    inside.missed(day(0))
    inside.missed(day(90))
    outside = Chronology("C-2")
    outside.missed(day(0))
    outside.missed(day(90) + SECOND)
    assert [(a.child, a.rule, a.evidence) for a in alerts(inside.events + outside.events)] == [
        ("C-1", "was_not_brought", ("e1", "e2"))
    ]


def test_on_a_plan_each_missed_appointment_raises_until_the_count_part_holds() -> None:
    c = Chronology()
    c.plan_start(day(0))
    c.visit(day(1))
    c.missed(day(2))  # on a plan: one is enough
    c.missed(day(20))  # the rule was false again just before: raises, two in 90 days
    c.missed(day(30))  # two or more in 90 days held already: nothing
    c.visit(day(12))
    c.visit(day(24))
    found = alerts(c.events, as_of=day(31))
    assert fired(found, "was_not_brought") == [
        ("was_not_brought", day(2), ["e3"]),
        ("was_not_brought", day(20), ["e3", "e4"]),
    ]
    first = found[0]
    assert first.explanation.startswith("1 missed appointment while the child is on a child")


def test_a_plan_starting_at_the_same_moment_counts_and_one_ending_then_does_not() -> None:
    starting = Chronology("C-1")
    starting.plan_start(day(5))
    starting.missed(day(5))
    ending = Chronology("C-2")
    ending.plan_start(day(0))
    ending.visit(day(1))
    ending.plan_end(day(5))
    ending.missed(day(5))
    found = alerts(starting.events + ending.events, as_of=day(6))
    assert [(a.child, a.rule) for a in found] == [("C-1", "was_not_brought")]


def test_missed_appointments_during_a_plan_still_count_after_it_ends() -> None:
    c = Chronology()
    c.plan_start(day(0))
    c.missed(day(1))
    c.plan_end(day(10))
    c.missed(day(40))
    assert fired(alerts(c.events), "was_not_brought") == [
        ("was_not_brought", day(1), ["e2"]),
        ("was_not_brought", day(40), ["e2", "e4"]),
    ]


def test_window_instants_are_compared_across_offsets() -> None:
    # Written in BST, the third injury is at 08:00 UTC on day 90 - within 90 x 24 hours.
    c = Chronology()
    c.injury(day(0))
    c.injury(day(10))
    c.injury((day(90) - 3600 * SECOND).astimezone(BST))
    assert [a.rule for a in alerts(c.events)] == ["repeat_injury"]
    assert c.events[2].at.isoformat().endswith("+01:00")


def test_a_day_of_window_is_24_hours_even_when_written_at_another_offset() -> None:
    c = Chronology()
    c.concern(day(0), "public")
    c.callout((day(7) + SECOND).astimezone(BST))  # 7 days and 1 second, whatever the offset
    assert fired(alerts(c.events)) == []
    assert (day(7) + SECOND) - day(0) > 7 * DAY
