"""Groups of applications by status that more than one rule asks for, as QuerySet methods."""

from django.db import models

# Screened eligible and not yet decided: what assessors score. Application.Status values, written out because
# models.py imports this module.
SCOREABLE = ["eligible", "scored"]


class ApplicationQuerySet(models.QuerySet):
    def scoreable(self) -> "ApplicationQuerySet":
        return self.filter(status__in=SCOREABLE)

    def without_answers(self) -> "ApplicationQuerySet":
        """For lists: the published summary is left unread, since a hundred of them can run to many kilobytes that a
        table of references and statuses never shows (the other answers are rows of their own)."""
        return self.defer("summary")
