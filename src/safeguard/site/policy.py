"""Access policies that every route must declare (deny by default).

A page view or API operation is reachable only if it carries an ``access_policy`` attribute set
by :func:`access_policy`. The middleware refuses any resolved view without one, and a test walks
the URL configuration so that a new route without a policy fails CI. The policy answers only
"may this kind of user call this route at all"; which records they may then see is decided by
the ``access_*`` functions of each area.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from django.http import HttpRequest

from safeguard.accounts.roles import Role

F = TypeVar("F", bound=Callable[..., Any])


@dataclass(frozen=True)
class Policy:
    """Who may call a route. ``roles`` empty with ``signed_in`` means any active staff user."""

    name: str
    signed_in: bool
    roles: frozenset[Role] = frozenset()
    service_accounts: bool = False
    # False only for the pages that verify the second factor itself.
    needs_second_factor: bool = True
    # False for routes that only systems call (feeds): staff are refused.
    staff: bool = True

    def allows(self, user: Any) -> bool:
        if not self.signed_in:
            return True
        if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
            return False
        if getattr(user, "is_service_account", False):
            return self.service_accounts
        if not self.staff:
            return False
        if not self.roles:
            return True
        return Role(user.role) in self.roles


PUBLIC = Policy("public", signed_in=False)
STAFF = Policy("staff", signed_in=True)
# Signed in with a password, second factor not yet given: only the code pages.
FIRST_FACTOR = Policy("first-factor", signed_in=True, needs_second_factor=False)


def roles(*allowed: Role, name: str | None = None) -> Policy:
    return Policy(
        name or "roles:" + ",".join(sorted(r.value for r in allowed)),
        signed_in=True,
        roles=frozenset(allowed),
    )


def service(name: str) -> Policy:
    """A route for systems (feeds) holding a service-account token."""
    return Policy(f"service:{name}", signed_in=True, service_accounts=True, staff=False)


def access_policy(policy: Policy) -> Callable[[F], F]:
    """Declare (and, for API operations, enforce) who may call a route."""

    def decorate(func: F) -> F:
        @functools.wraps(func)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
            # Pages are checked by the middleware before the view runs; API operations are
            # dispatched by django-ninja, so the check happens here too. Both give the same
            # not-found answer as a missing record (no oracle for what exists).
            from safeguard.site.errors import NotFoundError

            user = getattr(request, "auth", None) or getattr(request, "user", None)
            if policy.signed_in and not policy.allows(user):
                raise NotFoundError()
            return func(request, *args, **kwargs)

        wrapper.access_policy = policy  # type: ignore[attr-defined]
        return wrapper  # type: ignore[return-value]

    return decorate


def policy_of(view: Callable[..., Any]) -> Policy | None:
    found = getattr(view, "access_policy", None)
    return found if isinstance(found, Policy) else None
