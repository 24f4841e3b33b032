"""Groups of returns by status that more than one rule asks for, as QuerySet methods."""

from django.db import models


class ReturnQuerySet(models.QuerySet):
    def open(self) -> "ReturnQuerySet":
        """Returns still with the grantee, who can change and send them."""
        return self.filter(status__in=self.model.OPEN)
