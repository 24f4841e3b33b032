"""The header's link to finance's payments."""

from accounts.permissions import is_finance_officer


def links(user) -> list[tuple[str, str]]:
    return [("Payments", "grants:payments")] if is_finance_officer(user) else []
