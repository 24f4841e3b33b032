"""The demo's changes to grants: the Lambeth network moved money to BSL interpreters, which a programme manager
approved with its letter; the Tower Hamlets forum asks to run three months longer, with more for interpreters, and
waits for a decision. Running it again changes nothing."""

from datetime import timedelta
from decimal import Decimal

from django.utils import timezone

from accounts.models import User
from grants.models import Award, Letter
from monitoring.demo import happened_at
from variations.changes import Asked
from variations.models import Variation
from variations.services import variation_approve, variation_request


def seed(stdout) -> None:
    awards = {award.reference: award for award in Award.objects.filter(
        application__reference__in=["DHC26-0001", "DHC26-0002"]).select_related("application")}
    if len(awards) < 2 or Variation.objects.filter(award__in=awards.values()).exists():
        return
    manager = User.objects.get(email="manager@example.org")
    now = timezone.now()

    lambeth = awards["DHC26-0002"]
    staff, _, access = lambeth.application.budget_lines.order_by("position", "id")
    member = lambeth.application.organisation.memberships.select_related("user").first().user
    with happened_at(now - timedelta(days=40)):
        approved = variation_request(
            award=lambeth, acting_user=member,
            reason="More Deaf people are coming to us than we planned for, so we need more BSL interpreters. Our "
                   "caseworker can cover the same hours for less, as a volunteer now helps with reports.",
            asked=Asked(budget={staff.pk: staff.amount - Decimal("500"), access.pk: access.amount + Decimal("500")}),
        )
    with happened_at(now - timedelta(days=37)):
        variation_approve(variation=approved, acting_user=manager)
    Variation.objects.filter(pk=approved.pk).update(requested_at=now - timedelta(days=40),
                                                    approved_at=now - timedelta(days=37),
                                                    applied_at=now - timedelta(days=37))
    Letter.objects.filter(application=lambeth.application, kind=Letter.Kind.VARIATION).update(
        issued_at=now - timedelta(days=37))

    tower_hamlets = awards["DHC26-0001"]
    staff, _, access = tower_hamlets.application.budget_lines.order_by("position", "id")
    member = tower_hamlets.application.organisation.memberships.select_related("user").first().user
    with happened_at(now - timedelta(days=3)):
        waiting = variation_request(
            award=tower_hamlets, acting_user=member,
            reason="Our caseworker was off sick for six weeks, so we need three more months to finish the work. "
                   "We would also like to move £1,000 to interpreters for the extra sessions.",
            asked=Asked(ends_on=tower_hamlets.ends_on + timedelta(days=91),
                        budget={staff.pk: staff.amount - Decimal("1000"), access.pk: access.amount + Decimal("1000")}),
        )
    Variation.objects.filter(pk=waiting.pk).update(requested_at=now - timedelta(days=3))
    stdout.write("Demo changes to grants: one approved with its letter, one waiting for a decision")
