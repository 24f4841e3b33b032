"""How an award is split into tranches: pure arithmetic on pounds and pence, and the words for each trigger."""

from decimal import ROUND_DOWN, Decimal

PENNY = Decimal("0.01")


def tranche_amounts(amount: Decimal, shares: list[Decimal]) -> list[Decimal]:
    """Splits an award by the schedule's shares; the last part takes any odd pennies, so the parts add up exactly."""
    parts = [(amount * share / 100).quantize(PENNY, rounding=ROUND_DOWN) for share in shares[:-1]]
    return parts + [amount - sum(parts, Decimal(0))]


def when_paid(part: dict) -> str:
    if part["after"] == "acceptance":
        return "When you accept this offer"
    return f"When we accept your return for quarter {part['quarter']}"
