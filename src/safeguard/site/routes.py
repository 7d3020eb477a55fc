"""Every route of the site, pages and API operations, with its declared access policy.

Used by the access-matrix test (a route without a policy, or without a matrix entry, fails CI)
and by ``docs/access.md``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from django.urls import URLPattern, URLResolver, get_resolver

from safeguard.site.policy import Policy, policy_of


@dataclass(frozen=True)
class Route:
    path: str  # Django-style for pages ("people/<str:person_id>"), ninja-style for the API
    name: str
    kind: str  # "page" or "api"
    methods: tuple[str, ...]
    policy: Policy | None


def api_operations() -> Iterator[tuple[str, str, tuple[str, ...], Callable[..., Any]]]:
    """(url name, full path, methods, view function) of every django-ninja operation."""
    from safeguard.site.api import api

    for prefix, router in api._routers:
        for path, path_view in router.path_operations.items():
            for operation in path_view.operations:
                parts = [p for p in (prefix.strip("/"), path.strip("/")) if p]
                full = "api/v1/" + "/".join(parts) + ("/" if path.endswith("/") else "")
                name = getattr(operation, "url_name", None) or api.get_operation_url_name(
                    operation, router=router
                )
                yield (
                    name,
                    full,
                    tuple(operation.methods),
                    operation.view_func,
                )


def _pages(patterns: list[Any], prefix: str = "") -> Iterator[Route]:
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            yield from _pages(pattern.url_patterns, prefix + str(pattern.pattern))
        elif isinstance(pattern, URLPattern):
            if getattr(pattern.callback, "api_dispatch", False):
                continue  # listed below, operation by operation
            yield Route(
                path=prefix + str(pattern.pattern),
                name=pattern.name or "",
                kind="page",
                methods=(),
                policy=policy_of(pattern.callback),
            )


def all_routes() -> list[Route]:
    routes = list(_pages(get_resolver().url_patterns))
    for name, path, methods, view in api_operations():
        routes.append(Route(path, name, "api", methods, policy_of(view)))
    return routes
