"""Groups of awards by status that more than one rule asks for, as QuerySet methods."""

from django.db import models

from applications.models import Application


class AwardQuerySet(models.QuerySet):
    def committed(self) -> "AwardQuerySet":
        """Awards whose money counts against the ringfence."""
        return self.filter(status__in=self.model.COMMITTED)

    def told(self) -> "AwardQuerySet":
        """Awards whose offer letter has told the organisation of them: `grants.permissions.offer_letter_issued`
        as a query."""
        return self.filter(application__decision_sent=Application.Status.AWARDED)
