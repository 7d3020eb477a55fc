"""Deny by default: a resolved view without a declared access policy is never run."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect

from safeguard.accounts import twofactor
from safeguard.site.errors import NotFoundError
from safeguard.site.policy import policy_of
from safeguard.site.responses import not_found_page


class AccessPolicyMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(
        self,
        request: HttpRequest,
        view_func: Callable[..., Any],
        view_args: tuple[Any, ...],
        view_kwargs: dict[str, Any],
    ) -> HttpResponse | None:
        if getattr(view_func, "api_dispatch", False):
            return None  # django-ninja checks each operation's own policy
        policy = policy_of(view_func)
        if policy is None:
            return not_found_page(request)
        if policy.allows(request.user):
            if (
                policy.signed_in
                and policy.needs_second_factor
                and not twofactor.session_verified(request)
            ):
                return redirect(f"/two-factor?next={request.path}")
            return None
        if not request.user.is_authenticated:
            return redirect(f"{settings.LOGIN_URL}?next={request.path}")
        return not_found_page(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if isinstance(exception, NotFoundError):
            return not_found_page(request)
        return None
