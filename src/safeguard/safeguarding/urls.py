"""Routes of the safeguarding pages (included from safeguard.site.urls)."""

from __future__ import annotations

from django.urls import URLPattern, path

from safeguard.safeguarding.views import (
    children,
    chronology,
    events,
    household,
    notifications,
    plans,
)

urlpatterns: list[URLPattern] = [
    path("children", children.children_register, name="children"),
    path("children/new/<str:person_id>", children.child_register_view, name="child-register"),
    path("children/<str:child_id>", children.child_detail, name="child"),
    path("children/<str:child_id>/chronology", chronology.chronology_view, name="child-chronology"),
    path("children/<str:child_id>/story", chronology.story_view, name="child-story"),
    path("children/<str:child_id>/body-map", chronology.body_map_view, name="child-body-map"),
    path("children/<str:child_id>/export", chronology.export_view, name="child-export"),
    path("children/<str:child_id>/events/new/<str:kind>", events.event_new, name="child-event-new"),
    path("children/<str:child_id>/events/<int:event_id>", events.event_detail, name="child-event"),
    path(
        "children/<str:child_id>/household/new",
        household.household_add_view,
        name="child-household-add",
    ),
    path(
        "children/<str:child_id>/household/<int:member_id>/left",
        household.household_leave_view,
        name="child-household-leave",
    ),
    path("children/<str:child_id>/plan/new", plans.plan_start_view, name="child-plan-start"),
    path("children/<str:child_id>/plan/review", plans.plan_review_view, name="child-plan-review"),
    path("children/<str:child_id>/plan/end", plans.plan_end_view, name="child-plan-end"),
    path("notifications", notifications.notifications_view, name="notifications"),
    path("child-flag", notifications.child_flag_view, name="child-flag"),
]
