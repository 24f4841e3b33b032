"""Reads of rounds and organisations."""

from django.db.models import QuerySet
from django.utils import timezone

from applications.models import Organisation, Round


def round_current() -> Round | None:
    """The round applicants should hear about: the open one, else the next to open, else the latest."""
    now = timezone.now()
    published = Round.objects.exclude(status=Round.Status.DRAFT)
    return (
        published.filter(status=Round.Status.OPEN, opens_at__lte=now, closes_at__gt=now).order_by("closes_at").first()
        or published.filter(opens_at__gt=now).order_by("opens_at").first()
        or published.order_by("-closes_at").first()
    )


def organisations_of(user) -> QuerySet[Organisation]:
    if not user.is_authenticated:
        return Organisation.objects.none()
    return Organisation.objects.filter(memberships__user=user)
