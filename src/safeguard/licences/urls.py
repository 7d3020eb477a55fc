"""Licence pages. Each view declares its access policy (safeguard.site.policy)."""

from __future__ import annotations

from django.urls import URLPattern, path

from safeguard.licences import views, views_conditions, views_forms

urlpatterns: list[URLPattern] = [
    path("licences", views.licence_list_page, name="licence-list"),
    path(
        "people/<str:person_id>/licences/new",
        views_forms.licence_create_page,
        name="licence-create",
    ),
    path("licences/<str:licence_id>", views.licence_detail, name="licence"),
    path("licences/<str:licence_id>/edit", views_forms.licence_edit_page, name="licence-edit"),
    path(
        "licences/<str:licence_id>/conditions/add",
        views_conditions.condition_choose_page,
        name="licence-condition-choose",
    ),
    path(
        "licences/<str:licence_id>/conditions/add/<str:code>",
        views_conditions.condition_add_page,
        name="licence-condition-add",
    ),
    path(
        "licences/<str:licence_id>/conditions/<int:condition_id>/change",
        views_conditions.condition_change_page,
        name="licence-condition-change",
    ),
    path(
        "licences/<str:licence_id>/conditions/<int:condition_id>/remove",
        views_conditions.condition_remove_page,
        name="licence-condition-remove",
    ),
    path("licences/<str:licence_id>/submit", views.licence_submit_action, name="licence-submit"),
    path("licences/<str:licence_id>/approve", views.licence_approve_action, name="licence-approve"),
    path(
        "licences/<str:licence_id>/activate", views.licence_activate_action, name="licence-activate"
    ),
    path(
        "licences/<str:licence_id>/return", views_forms.licence_return_page, name="licence-return"
    ),
    path(
        "licences/<str:licence_id>/recall", views_forms.licence_recall_page, name="licence-recall"
    ),
    path(
        "licences/<str:licence_id>/disclosures/new",
        views_forms.licence_disclosure_page,
        name="licence-disclosure",
    ),
    path(
        "licences/<str:licence_id>/licence.pdf",
        views.licence_document,
        name="licence-document",
    ),
]
