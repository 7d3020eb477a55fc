"""The public concern form at /report-a-concern (no sign-in).

Known and unknown people get the same answer by the same path: nothing here, or in
services/submit.py, looks at the person index (a test inspects the imports).
"""

from __future__ import annotations

import logging

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_http_methods

from safeguard.referrals import conf
from safeguard.referrals.services.submit import (
    clean_public_form,
    public_concern_submit,
    submission_allowed,
)
from safeguard.site.policy import PUBLIC, access_policy

logger = logging.getLogger(__name__)

# A field that people never see (hidden from sight and from screen readers); robots fill it.
HONEYPOT_FIELD = "website"


def _too_large(request: HttpRequest) -> bool:
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return True
    return length > conf.public_max_request_bytes()


@access_policy(PUBLIC)
@require_http_methods(["GET", "POST"])
def report_concern(request: HttpRequest) -> HttpResponse:
    values: dict[str, str] = {}
    errors: dict[str, str] = {}
    if request.method == "POST":
        if _too_large(request):
            logger.info("public concern refused: too large")
            return render(request, "referrals/too_large.html", status=413)
        values, errors = clean_public_form(request.POST)
        # Only complete forms count towards the limit: a person correcting mistakes is not
        # slowed down, and an incomplete form stores nothing.
        if not errors and not submission_allowed(request.META.get("REMOTE_ADDR")):
            logger.info("public concern refused: rate limited")
            return render(request, "referrals/too_many.html", status=429)
        if not errors:
            honeypot = bool(request.POST.get(HONEYPOT_FIELD, "").strip())
            reference = public_concern_submit(values, honeypot=honeypot)
            return render(request, "referrals/sent.html", {"reference": reference})
    return render(
        request,
        "referrals/report.html",
        {"values": values, "errors": errors, "honeypot": HONEYPOT_FIELD},
        status=400 if errors else 200,
    )
