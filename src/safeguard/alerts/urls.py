"""Alert pages. Each view declares its access policy (safeguard.site.policy)."""

from __future__ import annotations

from django.urls import URLPattern, path

from safeguard.alerts import views

urlpatterns: list[URLPattern] = [
    path("alerts", views.alert_queue_page, name="alerts"),
    path("alerts/fairness", views.fairness_page, name="alerts-fairness"),
    path("alerts/<int:alert_id>", views.alert_detail_page, name="alert"),
    path(
        "alerts/<int:alert_id>/acknowledge",
        views.alert_acknowledge_page,
        name="alert-acknowledge",
    ),
    path("alerts/<int:alert_id>/close", views.alert_close_page, name="alert-close"),
    path("alerts/<int:alert_id>/reopen", views.alert_reopen_page, name="alert-reopen"),
]
