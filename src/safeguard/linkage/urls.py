"""Linkage review pages. Each view declares its access policy (safeguard.site.policy)."""

from __future__ import annotations

from django.urls import URLPattern, path

from safeguard.linkage import views

urlpatterns: list[URLPattern] = [
    path("linkage/review", views.queue_page, name="linkage-queue"),
    path("linkage/pairs/<str:pair_id>", views.pair_page, name="linkage-pair"),
    path("linkage/pairs/<str:pair_id>/decide", views.pair_decide_page, name="linkage-pair-decide"),
    path("linkage/events/<int:event_id>/undo", views.event_undo_page, name="linkage-event-undo"),
    path("linkage/masters/<str:master_id>", views.master_page, name="linkage-master"),
    path(
        "linkage/masters/<str:master_id>/unmerge",
        views.master_unmerge_page,
        name="linkage-master-unmerge",
    ),
]
