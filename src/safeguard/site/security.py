"""Security middleware: response headers, and idle and absolute session time-outs."""

from __future__ import annotations

import time
from collections.abc import Callable

from django.conf import settings
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect

# Scripts and styles come only from Safeguard itself (no inline script anywhere in the
# templates); maps are drawn without tiles unless a tile server is configured.
_CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:{tiles}; "
    "font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'self'; "
    "form-action 'self'; frame-ancestors 'none'"
)
# django-ninja's interactive docs page uses inline scripts; it holds no data.
_CSP_EXEMPT_PREFIXES = ("/api/v1/docs",)


class SecurityHeadersMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        tiles = getattr(settings, "MAP_TILE_ORIGIN", "")
        self.csp = _CSP.format(tiles=f" {tiles}" if tiles else "")

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if not request.path.startswith(_CSP_EXEMPT_PREFIXES):
            response.headers.setdefault("Content-Security-Policy", self.csp)
        response.headers.setdefault(
            "Permissions-Policy", "camera=(), microphone=(), geolocation=(), payment=()"
        )
        if not request.path.startswith(settings.STATIC_URL):
            # Records must not linger in shared or back-button caches.
            response.headers["Cache-Control"] = "no-store"
            response.headers["Pragma"] = "no-cache"
        return response


class SessionTimeoutMiddleware:
    """Sign out after 15 minutes idle or 12 hours in all (settings), whichever comes first."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            now = time.time()
            started = request.session.get("sg_started_at", now)
            last_seen = request.session.get("sg_last_seen", now)
            idle = now - float(last_seen) > settings.SESSION_IDLE_TIMEOUT_SECONDS
            expired = now - float(started) > settings.SESSION_ABSOLUTE_TIMEOUT_SECONDS
            if idle or expired:
                logout(request)
                if request.path.startswith("/api/"):
                    return self.get_response(request)  # answered as unauthenticated
                return redirect(f"{settings.LOGIN_URL}?timeout=1&next={request.path}")
            request.session["sg_started_at"] = started
            request.session["sg_last_seen"] = now
        return self.get_response(request)


def session_started(request: HttpRequest) -> None:
    """Start both clocks at sign-in, so the 12 hours count from then."""
    now = time.time()
    request.session["sg_started_at"] = now
    request.session["sg_last_seen"] = now
