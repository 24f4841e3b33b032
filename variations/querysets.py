"""Groups of variations by status that more than one rule asks for, as QuerySet methods."""

from decimal import Decimal

from django.db import models
from django.db.models import Sum


class VariationQuerySet(models.QuerySet):
    def in_force(self) -> "VariationQuerySet":
        """Variations whose changes have been made to the grant: approved below the threshold, or confirmed."""
        return self.filter(applied_at__isnull=False)

    def waiting(self) -> "VariationQuerySet":
        """Asked for and not yet decided, or approved and waiting for a second programme manager."""
        return self.filter(models.Q(status=self.model.Status.REQUESTED)
                           | models.Q(status=self.model.Status.APPROVED, applied_at__isnull=True))

    def varied(self) -> Decimal:
        """What the variations in force have added to (or taken from) the grants: the ledger's "varied"."""
        return self.in_force().aggregate(total=Sum("amount_change"))["total"] or Decimal(0)
