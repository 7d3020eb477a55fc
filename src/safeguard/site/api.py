"""The JSON API at /api/v1/: one NinjaAPI, one error shape ``{"message", "extra"}``.

The OpenAPI document and the interactive docs are public (they hold no data). Every operation
needs a token or a signed-in session, and declares its access policy with ``access_policy``.
"""

from __future__ import annotations

import logging

from django.http import HttpRequest, HttpResponse
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError

from safeguard.accounts.auth import StaffSessionAuth, TokenAuth
from safeguard.site.errors import DomainError, NotFoundError

logger = logging.getLogger(__name__)

api = NinjaAPI(
    title="Safeguard API",
    version="1",
    description="Multi-agency public protection. Every response that shows a record is audited.",
    urls_namespace="api-v1",
    auth=[TokenAuth(), StaffSessionAuth()],
    docs_url="/docs",
    openapi_url="/openapi.json",
)


def _error(request: HttpRequest, status: int, message: str, extra: object = None) -> HttpResponse:
    return api.create_response(request, {"message": message, "extra": extra or {}}, status=status)


@api.exception_handler(NotFoundError)
def _not_found(request: HttpRequest, exc: NotFoundError) -> HttpResponse:
    return _error(request, 404, "Not found")


@api.exception_handler(DomainError)
def _domain(request: HttpRequest, exc: DomainError) -> HttpResponse:
    return _error(request, 400, exc.message, exc.extra)


@api.exception_handler(ValidationError)
def _validation(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    errors = [
        {"field": ".".join(str(p) for p in e.get("loc", [])), "message": e.get("msg", "")}
        for e in exc.errors
    ]
    return _error(request, 422, "The request is not valid", {"errors": errors})


@api.exception_handler(AuthenticationError)
def _unauthenticated(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    return _error(request, 401, "Sign in or send a valid API token")


@api.exception_handler(HttpError)
def _http(request: HttpRequest, exc: HttpError) -> HttpResponse:
    return _error(request, exc.status_code, str(exc.message))


@api.exception_handler(Exception)
def _unexpected(request: HttpRequest, exc: Exception) -> HttpResponse:
    # The exception text may hold personal data: log only its type.
    logger.error("unhandled API error: %s", type(exc).__name__)
    return _error(request, 500, "Something went wrong; it has been logged")


def register_routers() -> None:
    """Add each area's router. Called once from urls.py."""
    from safeguard.accounts.api import router as accounts_router
    from safeguard.alerts.api import router as alerts_router
    from safeguard.licences.api import router as licences_router
    from safeguard.linkage.api import router as linkage_router
    from safeguard.monitoring.api import router as monitoring_router
    from safeguard.people.api import router as people_router
    from safeguard.recall.api import router as recall_router
    from safeguard.referrals.api import router as referrals_router
    from safeguard.safeguarding.api import router as safeguarding_router
    from safeguard.safeguarding.feeds import router as feeds_router

    api.add_router("/", accounts_router)
    api.add_router("/people", people_router)
    api.add_router("/referrals", referrals_router)
    api.add_router("/licences", licences_router)
    api.add_router("/monitoring", monitoring_router)
    api.add_router("/recall", recall_router)
    api.add_router("/safeguarding", safeguarding_router)
    api.add_router("/safeguarding/feeds", feeds_router)
    api.add_router("/linkage", linkage_router)
    api.add_router("/alerts", alerts_router)
