"""Filters that write dates, times and money the way GOV.UK style does: 5 January 2027 at 12pm, £1,250."""

from datetime import datetime
from decimal import Decimal

from django import template
from django.utils import timezone

from core.registries import registry_add

register = template.Library()


@register.filter
def govuk_time(value: datetime) -> str:
    local = timezone.localtime(value)
    hour = local.hour % 12 or 12
    suffix = "am" if local.hour < 12 else "pm"
    if local.minute == 0 and local.hour == 12:
        return "midday"
    if local.minute == 0 and local.hour == 0:
        return "midnight"
    return f"{hour}{suffix}" if local.minute == 0 else f"{hour}:{local.minute:02d}{suffix}"


@register.filter
def govuk_date(value) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = timezone.localtime(value)
    return f"{value.day} {value:%B %Y}"


@register.filter
def govuk_datetime(value: datetime) -> str:
    return f"{govuk_date(value)} at {govuk_time(value)}"


def _count(number: int, unit: str) -> str:
    return f"{number} {unit}" if number == 1 else f"{number} {unit}s"


@register.filter
def govuk_duration(seconds: int) -> str:
    """30 minutes, 1 minute 30 seconds, 40 seconds."""
    minutes, seconds = divmod(int(seconds), 60)
    parts = ([_count(minutes, "minute")] if minutes else []) + ([_count(seconds, "second")] if seconds else [])
    return " ".join(parts) or "0 seconds"


@register.filter
def plain_number(value) -> str:
    """20.00 as 20 and 12.50 as 12.5: a Decimal without trailing zeros or an exponent."""
    return format(Decimal(value).normalize(), "f")


@register.filter
def one_place(value) -> str:
    """A score or percentage to one decimal place; cheaper than floatformat on a table of thousands of cells."""
    return f"{value:.1f}"


@register.filter
def pounds(value) -> str:
    """£1,250 for whole pounds, £1,250.50 otherwise; money is never shown as a float. Nothing for no amount."""
    if value is None or value == "":
        return ""
    amount = Decimal(value)
    if amount == amount.to_integral_value():
        return f"£{amount:,.0f}"
    return f"£{amount:,.2f}"


# Each app adds the colours of its own status words from its AppConfig.ready(); a word none has added is grey.
TAG_COLOURS: dict[str, str] = {}


def tag_colours_add(colours: dict[str, str]) -> None:
    """One word, one colour: a word two apps share must look the same in both."""
    registry_add(TAG_COLOURS, colours, what="Tag colours of status words")


@register.inclusion_tag("components/status_tag.html")
def status_tag(status: str, label: str = ""):
    """A GOV.UK tag: the words carry the meaning, the colour only repeats it."""
    return {"label": label or status, "colour": TAG_COLOURS.get(status, "govuk-tag--grey")}
