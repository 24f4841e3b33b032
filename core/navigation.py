"""The links in the header: each app names its own links for the people it serves, and settings.NAVIGATION lists
those apps' link functions in the order the header shows them, so each person sees where their own work is."""

from collections.abc import Callable
from dataclasses import dataclass

import rules
from django.conf import settings
from django.utils.module_loading import import_string

from core.links import fixed_url


@dataclass(frozen=True)
class NavigationItem:
    text: str
    href: str
    current: bool


def audit_links(user) -> list[tuple[str, str]]:
    # The rule itself, not has_perm, which lets every superuser through: the operator reads the trail in the admin
    # site, and their header stays the admin site's.
    return [("Audit trail", "core:audit_list")] if rules.has_perm("core.view_audit_trail", user) else []


def _providers() -> list[Callable]:
    return [import_string(path) for path in settings.NAVIGATION]


def _links_for(user) -> list[tuple[str, str]]:
    return [link for provider in _providers() for link in provider(user)]


def home_for(user) -> str:
    """Where signing in lands: the first link in the person's own navigation."""
    return fixed_url(_links_for(user)[0][1])


def navigation_for(user, path: str) -> list[NavigationItem]:
    items = []
    for text, url_name in _links_for(user):
        href = fixed_url(url_name)
        current = path == href if href == "/" else path.startswith(href)
        items.append(NavigationItem(text=text, href=href, current=current))
    return items
