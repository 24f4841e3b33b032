import re
from importlib import import_module

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from accounts.audit import AuditAction as AccountAuditAction
from assessment.audit import AuditAction as AssessmentAuditAction
from applications.audit import AuditAction as ApplicationAuditAction
from core.models import AuditEvent
from grants.audit import AuditAction as GrantAuditAction
from monitoring.audit import AuditAction as MonitoringAuditAction

SENTENCES = [("core", "0001_initial")]
CODES = [("core", "0003_audit_codes")]

# (the sentence as stored before codes, its "To" column) -> (code, data, "To" column, sentence shown now)
OLD_AND_NEW = [
    (("offered a grant of 6500.00", "awarded"), ("award.offered", {"amount": "6500.00"}, "awarded",
                                                  "offered a grant of £6,500")),
    (("released 1250.50 by Stripe", "released"), ("tranche.stripe_released", {"amount": "1250.50"}, "released",
                                                   "released £1,250.50 by Stripe")),
    (("sent scores (version 2)", "submitted"), ("assessment.scores_sent", {"version": 2}, "submitted",
                                                "sent scores (version 2)")),
    (("quarter 2 return accepted: payment due", "due"), ("tranche.due", {"quarter": 2}, "due",
                                                        "quarter 2 return accepted: payment due")),
    (("gave to Jo Bloggs to score", ""), ("assessment.allocated", {"assessor": "Jo Bloggs"}, "",
                                          "gave to Jo Bloggs to score")),
    (("shared out applications to score (12 allocations)", ""), ("assessment.shared_out", {"allocations": 12}, "",
                                                                 "shared out applications to score (12 allocations)")),
    (("moderated 'Need: who it is for'", "3"), ("assessment.moderated", {"criterion": "Need: who it is for"}, "3",
                                                "moderated 'Need: who it is for'")),
    (("uploaded a video or audio answer (need)", ""), ("application.media_answer_uploaded", {"question": "need"}, "",
                                                       "uploaded a video or audio answer (need)")),
    (("uploaded governing document", ""), ("application.document_uploaded", {"document": "governing document"}, "",
                                           "uploaded governing document")),
    (("added 6 standard indicators", ""), ("round.standard_indicators_added", {"count": 6}, "",
                                           "added 6 standard indicators")),
    (("proposed a decision", "Fund 6500.00"), ("decision.funding_proposed", {"amount": "6500.00"}, "Fund",
                                               "proposed funding of £6,500")),
    (("proposed a decision", "Do not fund"), ("decision.not_funding_proposed", {}, "Do not fund",
                                              "proposed not funding")),
    (("registered", "unconfirmed"), ("account.registered", {}, "unconfirmed", "registered")),
    (("changed the round's status", "open"), ("round.status_changed", {}, "open", "changed the round's status")),
    (("opened", "open"), ("legacy", {"sentence": "opened"}, "open", "opened")),
    (("offered a grant of lots", ""), ("legacy", {"sentence": "offered a grant of lots"}, "",
                                       "offered a grant of lots")),
]


@pytest.mark.django_db(transaction=True)
def test_sentences_stored_before_codes_become_codes_and_data_and_none_is_lost():
    executor = MigrationExecutor(connection)
    executor.migrate(SENTENCES)
    old_event = executor.loader.project_state(SENTENCES).apps.get_model("core", "AuditEvent")
    round_type = ContentType.objects.get(app_label="applications", model="round").pk
    created = [
        old_event.objects.create(action=action, to_state=to_state, target_type_id=round_type, target_id="1",
                                 target_label="A round", reason="Kept as it was").pk
        for (action, to_state), _ in OLD_AND_NEW
    ]
    try:
        executor = MigrationExecutor(connection)
        executor.migrate(CODES)
        events = AuditEvent.objects.in_bulk(created)
        assert [
            (events[pk].action, events[pk].data, events[pk].to_state, events[pk].sentence) for pk in created
        ] == [new for _, new in OLD_AND_NEW]
        assert {event.reason for event in events.values()} == {"Kept as it was"}

        executor = MigrationExecutor(connection)
        executor.migrate(SENTENCES)
        old_event = executor.loader.project_state(SENTENCES).apps.get_model("core", "AuditEvent")
        restored = old_event.objects.in_bulk(created)
        assert [(restored[pk].action, restored[pk].to_state) for pk in created] == [old for old, _ in OLD_AND_NEW]
    finally:
        executor = MigrationExecutor(connection)
        executor.migrate(executor.loader.graph.leaf_nodes())


@pytest.mark.django_db(transaction=True)
def test_an_event_already_written_with_its_code_is_left_as_it_is():
    # The migration that took superuser access from programme managers writes its code, and may run before this one.
    executor = MigrationExecutor(connection)
    executor.migrate(SENTENCES)
    old_event = executor.loader.project_state(SENTENCES).apps.get_model("core", "AuditEvent")
    user_type = ContentType.objects.get(app_label="accounts", model="user").pk
    pk = old_event.objects.create(action="account.superuser_access_changed", from_state="superuser",
                                  to_state="not superuser", target_type_id=user_type, target_id="1",
                                  target_label="Erin Walsh").pk
    try:
        executor = MigrationExecutor(connection)
        executor.migrate(CODES)
        event = AuditEvent.objects.get(pk=pk)
        assert (event.action, event.data, event.sentence) == ("account.superuser_access_changed", {},
                                                              "changed superuser access")
    finally:
        executor = MigrationExecutor(connection)
        executor.migrate(executor.loader.graph.leaf_nodes())


def test_every_old_sentence_becomes_a_code_that_still_says_the_same():
    migration = import_module("core.migrations.0003_audit_codes")
    declared = {
        code: re.sub(r"\{(\w+):count (.+?)\}", r"{\1} \2s", sentence.replace(":pounds}", "}"))
        for actions in (AccountAuditAction, ApplicationAuditAction, AssessmentAuditAction, GrantAuditAction,
                        MonitoringAuditAction)
        for code, sentence in actions.choices
    }
    assert {code: declared.get(code) for code, _ in migration.SENTENCES} == dict(migration.SENTENCES)
