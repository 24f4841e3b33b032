"""Groups of returns by status that more than one rule asks for, as QuerySet methods."""

from django.db import models

from grants.models import Award


class ReturnQuerySet(models.QuerySet):
    def open(self) -> "ReturnQuerySet":
        """Returns still with the grantee, who can change and send them."""
        return self.filter(status__in=self.model.OPEN)

    def owed_reminders(self) -> "ReturnQuerySet":
        """Open returns of grants under way: the grantee is reminded of these as they fall due."""
        return self.open().filter(award__status__in=Award.RUNNING)
