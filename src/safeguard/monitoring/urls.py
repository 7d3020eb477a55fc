"""Monitoring pages. Each view declares its access policy (safeguard.site.policy)."""

from __future__ import annotations

from django.urls import URLPattern, path

from safeguard.monitoring import views

urlpatterns: list[URLPattern] = [
    path("monitoring/violations", views.violation_queue_page, name="monitoring-violations"),
    path("monitoring/near", views.near_page, name="monitoring-near"),
    path("monitoring/subjects/<str:person_id>", views.subject_page, name="monitoring-subject"),
    path(
        "monitoring/violations/<int:violation_id>/acknowledge",
        views.violation_acknowledge_page,
        name="monitoring-violation-acknowledge",
    ),
    path(
        "monitoring/violations/<int:violation_id>/close",
        views.violation_close_page,
        name="monitoring-violation-close",
    ),
]
