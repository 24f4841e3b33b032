"""Who may read and write an application's thread; views, services and templates ask these, never the models.

A thread is between the organisation's team (any member) and the funder's programme managers. Assessors and finance
officers do not read threads: an assessor scores the application as sent, and a message (a team's worries, staff's
notes on them) could sway a score that must rest on the application alone; finance pay from the ledger and the
grant's page. A draft has no thread, since staff cannot see a draft at all.
"""

import rules

from accounts.permissions import is_programme_manager
from applications.models import Application
from applications.permissions import is_member


def has_thread(application: Application) -> bool:
    return application.status != Application.Status.DRAFT


def can_read_thread(user, application: Application) -> bool:
    return has_thread(application) and (is_programme_manager(user) or is_member(user, application.organisation))


def can_write_message(user, application: Application) -> bool:
    return can_read_thread(user, application)


def can_read_notes(user) -> bool:
    """Notes are the funder's staff talking among themselves: never shown to the organisation's team."""
    return is_programme_manager(user)


def can_add_note(user, application: Application) -> bool:
    return has_thread(application) and can_read_notes(user)


def can_send_bulk_message(user) -> bool:
    return is_programme_manager(user)


rules.add_perm("conversations.add_note", can_add_note)
rules.add_perm("conversations.send_bulk_message", rules.predicate(can_send_bulk_message))
