"""Who may act on quarterly returns; views and templates ask these, never the models."""

import rules

from accounts.permissions import is_programme_manager
from monitoring.checks import send_refusal
from monitoring.models import Return


def can_review_return(user, monitoring_return: Return) -> bool:
    """A return is reviewed once sent, and before it is sent back or accepted."""
    return is_programme_manager(user) and monitoring_return.status == Return.Status.SUBMITTED


rules.add_perm("monitoring.review_return", can_review_return)


def can_allow_early_return(user, monitoring_return: Return) -> bool:
    """A programme manager may let the grantee send one open return before its quarter ends, once."""
    return (is_programme_manager(user) and monitoring_return.is_editable and not monitoring_return.allowed_early
            and bool(send_refusal(monitoring_return)))


rules.add_perm("monitoring.allow_early_return", can_allow_early_return)
