"""Routes of the concerns front door (included from safeguard.site.urls)."""

from __future__ import annotations

from django.urls import URLPattern, path

from safeguard.referrals import professional_views, public_views, triage_views

urlpatterns: list[URLPattern] = [
    path("report-a-concern", public_views.report_concern, name="report-concern"),
    path("refer-a-concern", professional_views.refer_concern, name="refer-concern"),
    path("triage", triage_views.triage_queue, name="triage-queue"),
    path("triage/<str:reference>", triage_views.triage_concern, name="triage-concern"),
]
