"""Status changes checked against a table of allowed moves, as the style guide asks of every lifecycle."""

from django.db import models

from core.refusals import ServiceError


class InvalidTransition(ServiceError):
    """A status change that the lifecycle does not allow from the current status: most often a second click, or
    a page left open while someone else moved the status on."""

    def __init__(self, obj, to_status: str):
        self.obj = obj
        self.from_status = obj.status
        self.to_status = to_status
        super().__init__(f"{obj} has changed since the page was opened: it is now ‘{obj.get_status_display()}’, "
                         "so that could not be done.")


class StatusMachine(models.Model):
    """Gives a model with a `status` field and a `TRANSITIONS` table the checks every service uses.

    `TRANSITIONS` maps each status to the statuses it may move to. `transition_to` sets the new status without
    saving, like `User.set_password`: the service saves it, together with the audit event, in one transaction.
    """

    TRANSITIONS: dict[str, set[str]] = {}

    class Meta:
        abstract = True

    def can_transition_to(self, status: str) -> bool:
        return status in self.TRANSITIONS.get(self.status, set())

    def has_reached(self, status: str) -> bool:
        """Whether the status is `status` already, or one that the table only reaches after it: news of `status`
        arriving late, such as an out-of-order webhook, then has nothing left to change."""
        following, frontier = {status}, [status]
        while frontier:
            for later in self.TRANSITIONS.get(frontier.pop(), set()) - following:
                following.add(later)
                frontier.append(later)
        return self.status in following

    def transition_to(self, status: str) -> str:
        if not self.can_transition_to(status):
            raise InvalidTransition(self, status)
        previous, self.status = self.status, status
        return previous
