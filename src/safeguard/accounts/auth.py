"""Authentication for the JSON API: bearer tokens, or the signed-in session with CSRF."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja.security import APIKeyCookie, HttpBearer

from safeguard.accounts import twofactor
from safeguard.accounts.services import user_for_token


class TokenAuth(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> Any | None:
        user = user_for_token(token)
        if user is not None:
            request.user = user
        return user


class StaffSessionAuth(APIKeyCookie):
    """The browser's session; unsafe methods need the CSRF token (checked by ninja)."""

    param_name = "sessionid"

    def authenticate(self, request: HttpRequest, key: str | None) -> Any | None:
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated or not user.is_active:
            return None
        if not twofactor.session_verified(request):
            return None  # a password alone does not open the API
        return user
