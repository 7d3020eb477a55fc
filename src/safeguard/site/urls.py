"""URL configuration. Every view carries an access policy (see safeguard.site.policy)."""

from __future__ import annotations

from typing import Any

from django.urls import URLPattern, URLResolver, include, path

from safeguard.accounts import twofactor_views
from safeguard.accounts import views as account_views
from safeguard.people import breakglass_views
from safeguard.people import views as people_views
from safeguard.site import views as site_views
from safeguard.site.api import api, register_routers
from safeguard.site.policy import PUBLIC

register_routers()


# django-ninja's own pages: the OpenAPI document, the docs page and the root. They hold no data.
_API_META_ROUTES = {"openapi-json", "openapi-view", "api-root"}


def _mark_api_views(patterns: list[Any]) -> list[Any]:
    """django-ninja dispatches to operations, each of which checks its own policy."""
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            _mark_api_views(pattern.url_patterns)
        elif isinstance(pattern, URLPattern):
            if pattern.name in _API_META_ROUTES:
                pattern.callback.access_policy = PUBLIC  # type: ignore[attr-defined]
            else:
                pattern.callback.api_dispatch = True  # type: ignore[attr-defined]
    return patterns


api_urls = api.urls
urlpatterns: list[URLPattern | URLResolver] = [
    path("", people_views.home, name="home"),
    path("sign-in", account_views.sign_in, name="sign-in"),
    path("sign-out", account_views.sign_out, name="sign-out"),
    path("two-factor", twofactor_views.two_factor, name="two-factor"),
    path("two-factor/setup", twofactor_views.two_factor_setup, name="two-factor-setup"),
    path("two-factor/security-key", twofactor_views.security_key, name="security-key"),
    path(
        "two-factor/security-key/setup",
        twofactor_views.security_key_setup,
        name="security-key-setup",
    ),
    path("people/<str:person_id>", people_views.person_detail, name="person"),
    path("people/<str:person_id>/break-glass", breakglass_views.break_glass, name="break-glass"),
    path("break-glass/reviews", breakglass_views.break_glass_reviews, name="break-glass-reviews"),
    path(
        "break-glass/reviews/<int:grant_id>",
        breakglass_views.break_glass_close,
        name="break-glass-close",
    ),
    path("healthz", site_views.health, name="health"),
    path("", include("safeguard.licences.urls")),
    path("", include("safeguard.safeguarding.urls")),
    path("", include("safeguard.monitoring.urls")),
    path("", include("safeguard.referrals.urls")),
    path("", include("safeguard.alerts.urls")),
    path("", include("safeguard.recall.urls")),
    path("", include("safeguard.linkage.urls")),
    path("api/v1/", (_mark_api_views(api_urls[0]), api_urls[1], api_urls[2])),
]

handler404 = "safeguard.site.handlers.page_not_found"
handler500 = "safeguard.site.handlers.server_error"
