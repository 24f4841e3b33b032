"""How an award is split into tranches and how long an offer stays open: pure arithmetic on pounds and pence and on
London dates, and the words for each trigger."""

from datetime import datetime, time, timedelta
from decimal import ROUND_DOWN, Decimal
from zoneinfo import ZoneInfo

LONDON = ZoneInfo("Europe/London")

PENNY = Decimal("0.01")


def tranche_amounts(amount: Decimal, shares: list[Decimal]) -> list[Decimal]:
    """Splits an award by the schedule's shares; the last part takes any odd pennies, so the parts add up exactly."""
    parts = [(amount * share / 100).quantize(PENNY, rounding=ROUND_DOWN) for share in shares[:-1]]
    return parts + [amount - sum(parts, Decimal(0))]


def when_paid(part: dict) -> str:
    if part["after"] == "acceptance":
        return "When you accept this offer"
    if part["after"] == "end_report":
        return "When we accept your end-of-grant report"
    return f"When we accept your return for quarter {part['quarter']}"


def acceptance_deadline(issued_at: datetime, days: int) -> datetime:
    """The last moment to accept an offer: whole days from the day its letter is issued in London, to 23:59 London
    time on the last day, whether that day is in GMT or BST."""
    last_day = issued_at.astimezone(LONDON).date() + timedelta(days=days)
    return datetime.combine(last_day, time(23, 59, 59), tzinfo=LONDON)
