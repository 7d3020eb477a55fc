"""Recording who lives with the child, and who has left."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from safeguard.people.models import Person
from safeguard.safeguarding.access import access_child_by_id, access_household_member
from safeguard.safeguarding.forms import FormField, parse_date, with_errors
from safeguard.safeguarding.models import HouseholdRole, KnownBy
from safeguard.safeguarding.selectors.recording import known_adults, recording_context, today
from safeguard.safeguarding.services import household_member_leave
from safeguard.safeguarding.services.adults import connected_people_ids
from safeguard.safeguarding.services.household import household_member_add_named
from safeguard.safeguarding.views.common import field_errors, form_page
from safeguard.site.errors import DomainError
from safeguard.site.policy import STAFF, access_policy

NEW_PERSON = "new"


@access_policy(STAFF)
@require_http_methods(["GET", "POST"])
def household_add_view(request: HttpRequest, child_id: str) -> HttpResponse:
    post = request.POST
    errors: dict[str, str] = {}
    if request.method == "POST":
        child = access_child_by_id(request.user, child_id)
        choice = post.get("person", "")
        moved_in = parse_date(post.get("moved_in_on"))
        if moved_in is None:
            errors["moved_in_on"] = "Enter the date they moved in"
        if not choice:
            errors["person"] = "Choose who lives with the child, or add someone new"
        if choice and choice != NEW_PERSON and choice not in connected_people_ids(child):
            errors["person"] = "Choose someone from the list, or add someone new"
        if not errors and moved_in is not None:
            try:
                household_member_add_named(
                    actor=request.user,
                    child=child,
                    person=None if choice == NEW_PERSON else Person.objects.get(pk=choice),
                    given_name=post.get("given_name", ""),
                    family_name=post.get("family_name", ""),
                    date_of_birth=parse_date(post.get("date_of_birth")),
                    role=post.get("role", ""),
                    relationship=post.get("relationship", ""),
                    moved_in_on=moved_in,
                    known_by=post.get("known_by", ""),
                )
            except DomainError as exc:
                errors = field_errors(exc)
            else:
                return redirect(reverse("child", args=[child.pk]) + "#household")
    context = recording_context(
        user=request.user, child_id=child_id, purpose="record a household member"
    )
    candidates = [a for a in known_adults(context.child) if a.note != "in the recorded household"]
    preselected = post.get("person", request.GET.get("person", ""))
    fields = [
        FormField(
            "person",
            "Who lives with the child?",
            "radios",
            preselected,
            [
                *[(a.person_id, f"{a.name} ({a.note})") for a in candidates],
                (NEW_PERSON, "Someone not listed"),
            ],
        ),
        FormField(
            "given_name",
            "First name (someone not listed)",
            "text",
            post.get("given_name", ""),
            width="one-half",
        ),
        FormField(
            "family_name",
            "Last name (someone not listed)",
            "text",
            post.get("family_name", ""),
            width="one-half",
        ),
        FormField(
            "date_of_birth",
            "Date of birth, if known (someone not listed)",
            "date",
            post.get("date_of_birth", ""),
        ),
        FormField(
            "role",
            "Their role in the household",
            "select",
            post.get("role", ""),
            [("", "Choose"), *HouseholdRole.choices],
        ),
        FormField(
            "relationship",
            "Relationship to the child",
            "text",
            post.get("relationship", ""),
            hint="For example: mother, mother's partner, half-brother",
            width="one-half",
        ),
        FormField(
            "moved_in_on",
            "Date they moved in",
            "date",
            post.get("moved_in_on", today().isoformat()),
        ),
        FormField(
            "known_by",
            "How do you know they live there?",
            "radios",
            post.get("known_by", ""),
            KnownBy.choices,
            hint="Record what you know, not what you were told, where you can",
        ),
    ]
    return form_page(
        request,
        title="Record someone living with the child",
        caption=context.child.person.full_name,
        fields=with_errors(fields, errors),
        submit="Record in the household",
        errors=errors,
        child=context.child,
        back=reverse("child", args=[context.child.pk]),
    )


@access_policy(STAFF)
@require_http_methods(["GET", "POST"])
def household_leave_view(request: HttpRequest, child_id: str, member_id: int) -> HttpResponse:
    post = request.POST
    errors: dict[str, str] = {}
    member = access_household_member(request.user, child_id, member_id)
    if request.method == "POST":
        moved_out = parse_date(post.get("moved_out_on"))
        if moved_out is None:
            errors["moved_out_on"] = "Enter the date they left"
        else:
            try:
                household_member_leave(actor=request.user, member=member, moved_out_on=moved_out)
            except DomainError as exc:
                errors = field_errors(exc)
            else:
                return redirect(reverse("child", args=[member.child_id]) + "#household")
    context = recording_context(
        user=request.user, child_id=child_id, purpose="record a household member leaving"
    )
    fields = [
        FormField(
            "moved_out_on", "Date they left", "date", post.get("moved_out_on", today().isoformat())
        )
    ]
    return form_page(
        request,
        title=f"Record that {member.person.full_name} has left the household",
        caption=context.child.person.full_name,
        fields=with_errors(fields, errors),
        submit="Record that they left",
        errors=errors,
        child=context.child,
        back=reverse("child", args=[context.child.pk]),
    )
