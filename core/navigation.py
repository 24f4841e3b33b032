"""The links in the header, by role: each person sees where their own work is."""

from dataclasses import dataclass

from django.urls import reverse

from accounts.models import Role


@dataclass(frozen=True)
class NavigationItem:
    text: str
    href: str
    current: bool


SIGNED_OUT = [("Start", "applications:start"), ("Sign in", "accounts:sign_in"), ("Create an account", "accounts:register")]
# The first link is where each role lands after signing in.
BY_ROLE = {
    Role.APPLICANT: [("Your applications", "applications:dashboard"), ("Your account", "accounts:home")],
    Role.ASSESSOR: [("Applications to score", "assessment:assessor_dashboard"), ("Your account", "accounts:home")],
    Role.PROGRAMME_MANAGER: [
        ("Rounds", "applications:manage_rounds"),
        ("Returns", "monitoring:returns"),
        ("Audit trail", "core:audit_list"),
        ("Your account", "accounts:home"),
    ],
    Role.FINANCE_OFFICER: [("Payments", "grants:payments"), ("Your account", "accounts:home")],
}
# The technical operator: a superuser with no funding role works in the admin site, not the applicant's journey.
OPERATOR = [("Admin site", "admin:index"), ("Your account", "accounts:home")]


def _links_for(user) -> list[tuple[str, str]]:
    if not user.is_authenticated:
        return SIGNED_OUT
    if user.is_superuser and user.role == Role.APPLICANT:
        return OPERATOR
    return BY_ROLE.get(user.role, [])


def home_for(user) -> str:
    return reverse(_links_for(user)[0][1])


def navigation_for(user, path: str) -> list[NavigationItem]:
    items = []
    for text, url_name in _links_for(user):
        href = reverse(url_name)
        current = path == href if href == "/" else path.startswith(href)
        items.append(NavigationItem(text=text, href=href, current=current))
    return items
