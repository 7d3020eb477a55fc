"""Breach and recall pages. Each view declares its access policy (safeguard.site.policy)."""

from __future__ import annotations

from django.urls import URLPattern, path

from safeguard.recall import views

_CASE = "recall/cases/<str:case_id>"

urlpatterns: list[URLPattern] = [
    path("recall/cases", views.case_list_page, name="recall-cases"),
    path("recall/casework", views.casework_queue_page, name="recall-casework"),
    path("people/<str:person_id>/breach-cases/new", views.case_open_page, name="recall-open"),
    path(
        "people/<str:person_id>/parole-reviews/new",
        views.parole_review_page,
        name="recall-parole-review",
    ),
    path(_CASE, views.case_page, name="recall-case"),
    path(f"{_CASE}/facts", views.case_facts_page, name="recall-facts"),
    path(f"{_CASE}/evidence", views.case_evidence_page, name="recall-evidence"),
    path(f"{_CASE}/recommend", views.case_recommend_page, name="recall-recommend"),
    path(f"{_CASE}/countersign", views.case_countersign_action, name="recall-countersign"),
    path(f"{_CASE}/approve", views.case_approve_action, name="recall-approve"),
    path(f"{_CASE}/return", views.case_return_page, name="recall-return"),
    path(f"{_CASE}/send", views.case_send_action, name="recall-send"),
    path(f"{_CASE}/book", views.case_book_action, name="recall-book"),
    path(f"{_CASE}/part-a.pdf", views.part_a_page, name="recall-part-a"),
    path(f"{_CASE}/decision-letter.pdf", views.letter_page, name="recall-letter"),
]
