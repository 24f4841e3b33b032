"""Groups of awards by status that more than one rule asks for, as QuerySet methods."""

from django.db import models


class AwardQuerySet(models.QuerySet):
    def committed(self) -> "AwardQuerySet":
        """Awards whose money counts against the ringfence."""
        return self.filter(status__in=self.model.COMMITTED)
