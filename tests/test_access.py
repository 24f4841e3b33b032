"""Every URL for every role: the answer each must get. A URL with no entry in ACCESS fails the suite.

Later work adds a row for each URL it creates. The roles are the five kinds of visitor plus an applicant of another
organisation, who must be treated as a stranger to the first organisation's records.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.core.files.base import ContentFile
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from accounts.models import Role
from accounts.services import user_role_change
from applications.audit import AuditAction
from applications.models import FileAnswer, Question
from assessment.models import Allocation, ConflictDeclaration, ScoresImport
from conversations.models import BulkMessage
from core.models import Export
from core.services import audit_record
from grants.models import Clawback, Decision, Letter, LetterBatch, Tranche
from monitoring.models import EndReport, FiguresImport, PoorResponse, ProgrammeReport, Return
from tests.factories import (
    AdjustmentRequestFactory,
    ApplicationDocumentFactory,
    ApplicationFactory,
    AwardFactory,
    CriterionFactory,
    IndicatorFactory,
    InvitationFactory,
    MediaAnswerFactory,
    PDF_BYTES,
    MembershipFactory,
    MessageFileFactory,
    RoundFactory,
    UserFactory,
    grant_under_way,
)
from variations.changes import Asked
from variations.services import variation_approve, variation_request

pytestmark = pytest.mark.django_db

ROLES = ("anonymous", "other_applicant", "applicant", "assessor", "programme_manager", "finance_officer")
SIGN_IN = "sign-in"  # redirected to this service's sign-in page
REDIRECT = "redirect"  # redirected somewhere else (for example the admin site's own sign-in, or home)


@dataclass(frozen=True)
class Rule:
    expect: dict[str, int | str]
    method: str = "get"
    kwargs: Callable[[SimpleNamespace], dict] = field(default=lambda world: {})
    query: dict = field(default_factory=dict)  # what the address's query string must hold


def answers(anonymous, other_applicant, applicant, assessor, programme_manager, finance_officer) -> dict:
    return dict(zip(ROLES, (anonymous, other_applicant, applicant, assessor, programme_manager, finance_officer)))


def everyone(answer) -> dict:
    return answers(*[answer] * len(ROLES))


def signed_in(answer, anonymous=SIGN_IN) -> dict:
    return answers(anonymous, *[answer] * (len(ROLES) - 1))


def only(*roles: str, answer=200, others=403) -> dict:
    return {role: answer if role in roles else (SIGN_IN if role == "anonymous" else others) for role in ROLES}


def member_only(answer=200) -> dict:
    """For the applicant organisation's own records: a stranger organisation gets 404, staff 403."""
    return {**only("applicant", "other_applicant", answer=answer), "other_applicant": 404}


def draft_files() -> dict:
    """A draft's files: its own organisation only. Staff and strangers cannot tell it exists until it is sent."""
    return {**only("applicant", "other_applicant"), "other_applicant": 404, "assessor": 404, "programme_manager": 404}


def sent_and_readable() -> dict:
    """A sent application's records: its own organisation and the programme managers."""
    return {**only("applicant", "other_applicant", "programme_manager"), "other_applicant": 404}


ACCESS: dict[str, Rule] = {
    # Public pages
    "applications:start": Rule(everyone(200)),
    "core:accessibility": Rule(everyone(200)),
    "core:privacy": Rule(everyone(200)),
    "core:cookies": Rule(everyone(200)),
    "core:favicon": Rule(everyone(301)),
    "core:health": Rule(everyone(200)),
    # Accounts
    "accounts:home": Rule(signed_in(200)),
    "accounts:sign_in": Rule(signed_in(REDIRECT, anonymous=200)),
    "accounts:sign_out": Rule(everyone(REDIRECT), method="post"),
    "accounts:timed_out": Rule(signed_in(REDIRECT, anonymous=200)),
    "accounts:register": Rule(signed_in(REDIRECT, anonymous=200)),
    "accounts:check_email": Rule(everyone(200)),
    "accounts:confirm_email": Rule(everyone(400), kwargs=lambda world: {"uidb64": "MQ", "token": "not-a-token"}),
    "accounts:password_reset": Rule(everyone(200)),
    "accounts:password_reset_sent": Rule(everyone(200)),
    "accounts:password_reset_confirm": Rule(everyone(400), kwargs=lambda world: {"uidb64": "MQ", "token": "not-a-token"}),
    "accounts:password_reset_complete": Rule(everyone(200)),
    "accounts:password_change": Rule(signed_in(200)),
    "accounts:session_extend": Rule(signed_in(204), method="post"),
    # Two-factor sign-in: staff who have given their code are sent on; applicants never give one
    "accounts:two_factor": Rule(signed_in(REDIRECT)),
    "accounts:two_factor_setup": Rule(signed_in(REDIRECT)),
    "accounts:recovery_codes": Rule(only("assessor", "programme_manager", "finance_officer")),
    "accounts:staff": Rule(only("programme_manager")),
    "accounts:two_factor_reset": Rule(only("programme_manager"), kwargs=lambda world: {"pk": world.users["assessor"].pk}),
    # The audit trail
    "core:audit_list": Rule(only("programme_manager")),
    "core:audit_history": Rule(
        only("programme_manager"),
        kwargs=lambda world: {"app_label": "applications", "model": "organisation", "object_id": world.organisation.pk},
    ),
    "core:home": Rule(signed_in(REDIRECT)),
    # What the service told the person: their own notifications only
    "core:notifications": Rule(signed_in(200)),
    "core:email_choices": Rule(signed_in(200)),
    # Files made for download: the programme manager who asked for this one, and nobody else
    "core:export": Rule(only("programme_manager"), kwargs=lambda world: {"pk": world.export.pk}),
    "core:export_download": Rule(only("programme_manager"), kwargs=lambda world: {"pk": world.export.pk}),
    # Applicants: their own organisation's records only; another organisation's are not found
    "applications:dashboard": Rule(only("applicant", "other_applicant")),
    "applications:organisation_new": Rule(only("applicant", "other_applicant")),
    "applications:organisation": Rule(member_only(), kwargs=lambda world: {"pk": world.organisation.pk}),
    "applications:organisation_edit": Rule(member_only(), kwargs=lambda world: {"pk": world.organisation.pk}),
    "applications:organisation_invite": Rule(member_only(), kwargs=lambda world: {"pk": world.organisation.pk}),
    "applications:invitation": Rule(everyone(200), kwargs=lambda world: {"token": world.invitation.token}),
    "applications:eligibility": Rule(
        member_only(), kwargs=lambda world: {"round_pk": world.round.pk, "organisation_pk": world.organisation.pk}
    ),
    "applications:eligibility_result": Rule(member_only(), kwargs=lambda world: {"pk": world.application.eligibility_check.pk}),
    "applications:application_begin": Rule(
        member_only(answer=REDIRECT), method="post", kwargs=lambda world: {"pk": world.application.eligibility_check.pk}
    ),
    "applications:detail": Rule(member_only(), kwargs=lambda world: {"pk": world.application.pk}),
    "applications:step": Rule(member_only(), kwargs=lambda world: {"pk": world.application.pk, "step": "project"}),
    "applications:submitted": Rule(member_only(answer=REDIRECT), kwargs=lambda world: {"pk": world.application.pk}),
    "applications:withdraw": Rule(member_only(), kwargs=lambda world: {"pk": world.application.pk}),
    # Sending changes is a button: opening its address goes back to the application.
    "applications:information_send": Rule(member_only(answer=302), kwargs=lambda world: {"pk": world.application.pk}),
    "applications:adjustment_new": Rule(member_only(), kwargs=lambda world: {"pk": world.application.pk}),
    "applications:pdf": Rule(draft_files(), kwargs=lambda world: {"pk": world.application.pk}),
    "applications:document": Rule(
        draft_files(), kwargs=lambda world: {"pk": world.application.pk, "document_pk": world.document.pk}
    ),
    "applications:file_answer": Rule(
        draft_files(), kwargs=lambda world: {"pk": world.application.pk, "question_pk": world.file_answer.question_id}
    ),
    "applications:media_answer": Rule(
        draft_files(), kwargs=lambda world: {"pk": world.application.pk, "answer_pk": world.media_answer.pk}
    ),
    # The organisation writes its recordings' transcripts; programme managers too, but a draft is not theirs to see.
    "applications:media_answer_transcript": Rule(
        {**only("applicant", "other_applicant", "programme_manager"), "other_applicant": 404, "programme_manager": 404},
        kwargs=lambda world: {"pk": world.application.pk, "answer_pk": world.media_answer.pk},
    ),
    # Programme managers running a round
    "applications:manage_rounds": Rule(only("programme_manager")),
    "applications:manage_round": Rule(only("programme_manager"), kwargs=lambda world: {"pk": world.round.pk}),
    "applications:extension_new": Rule(only("programme_manager"), kwargs=lambda world: {"pk": world.round.pk}),
    "applications:round_new": Rule(only("programme_manager")),
    **{
        f"applications:{name}": Rule(only("programme_manager"), kwargs=lambda world: {"pk": world.round.pk})
        for name in ("round_setup", "round_details", "round_money", "round_eligibility", "round_scoring",
                     "round_payments", "round_criteria", "round_indicators", "round_questions", "round_copy")
    },
    **{
        f"applications:{name}": Rule(only("programme_manager"), kwargs=lambda world: {"pk": world.draft_round.pk})
        for name in ("criterion_new", "indicator_new", "section_new")
    },
    # Starting a preview forgets the last one's answers and goes to its first step.
    "applications:round_preview": Rule(only("programme_manager", answer=302),
                                       kwargs=lambda world: {"pk": world.draft_round.pk}),
    "applications:round_preview_step": Rule(only("programme_manager"),
                                            kwargs=lambda world: {"pk": world.draft_round.pk, "step": "project"}),
    **{
        f"applications:{name}": Rule(only("programme_manager"), kwargs=lambda world: {
            "pk": world.draft_round.pk, "section_pk": world.question.section_id,
        })
        for name in ("section_edit", "section_remove", "question_new")
    },
    **{
        f"applications:{name}": Rule(only("programme_manager"), kwargs=lambda world: {
            "pk": world.draft_round.pk, "question_pk": world.question.pk,
        })
        for name in ("question_edit", "question_remove")
    },
    "applications:section_move": Rule(only("programme_manager", answer=REDIRECT), method="post", kwargs=lambda world: {
        "pk": world.draft_round.pk, "section_pk": world.question.section_id}),
    "applications:question_move": Rule(only("programme_manager", answer=REDIRECT), method="post", kwargs=lambda world: {
        "pk": world.draft_round.pk, "question_pk": world.question.pk}),
    **{
        f"applications:{name}": Rule(only("programme_manager"), kwargs=lambda world: {
            "pk": world.draft_round.pk, "criterion_pk": world.criterion.pk,
        })
        for name in ("criterion_edit", "criterion_remove")
    },
    **{
        f"applications:{name}": Rule(only("programme_manager"), kwargs=lambda world: {
            "pk": world.draft_round.pk, "indicator_pk": world.indicator.pk,
        })
        for name in ("indicator_edit", "indicator_remove")
    },
    "applications:round_stage": Rule(only("programme_manager"),
                                     kwargs=lambda world: {"pk": world.round.pk, "status": world.round.next_status}),
    "applications:adjustment": Rule(only("programme_manager"), kwargs=lambda world: {"pk": world.adjustment.pk}),
    "applications:manage_application": Rule(only("programme_manager"), kwargs=lambda world: {"pk": world.sent.pk}),
    "applications:information_request": Rule(only("programme_manager"), kwargs=lambda world: {"pk": world.sent.pk}),
    # Assessment: assessors see only what they were given; programme managers run the round
    "assessment:assessor_dashboard": Rule(only("assessor")),
    "assessment:declare": Rule(
        answers(SIGN_IN, 403, 403, REDIRECT, 403, 403), kwargs=lambda world: {"pk": world.allocation.pk}
    ),
    "assessment:assess": Rule(only("assessor"), kwargs=lambda world: {"pk": world.allocation.pk}),
    "assessment:revise": Rule(only("assessor", answer=REDIRECT), method="post", kwargs=lambda world: {"pk": world.allocation.pk}),
    "assessment:scoring_sheet": Rule(only("assessor"), kwargs=lambda world: {"file_format": "xlsx"}),
    "assessment:scoring_upload": Rule(only("assessor")),
    "assessment:scoring_import": Rule(only("assessor"), kwargs=lambda world: {"pk": world.scores_import.pk}),
    "assessment:screening": Rule(only("programme_manager"), kwargs=lambda world: {"pk": world.round.pk}),
    "assessment:screen": Rule(only("programme_manager"), kwargs=lambda world: {"pk": world.sent.pk}),
    "assessment:allocations": Rule(only("programme_manager"), kwargs=lambda world: {"pk": world.round.pk}),
    "assessment:panel_add": Rule(only("programme_manager"), kwargs=lambda world: {"pk": world.round.pk}),
    "assessment:panel": Rule(only("programme_manager"), kwargs=lambda world: {"pk": world.round.pk}),
    "assessment:panel_remove": Rule(only("programme_manager", answer=REDIRECT), method="post", kwargs=lambda world: {
        "pk": world.draft_round.pk, "assessor_pk": world.users["assessor"].pk,
    }),
    "assessment:allocate": Rule(only("programme_manager"), kwargs=lambda world: {"pk": world.eligible.pk}),
    "assessment:unallocate": Rule(
        only("programme_manager", answer=REDIRECT), method="post", kwargs=lambda world: {"pk": world.allocation.pk}
    ),
    "assessment:conflicts": Rule(only("programme_manager"), kwargs=lambda world: {"pk": world.round.pk}),
    "assessment:ranking": Rule(only("programme_manager"), kwargs=lambda world: {"pk": world.round.pk}),
    "assessment:ranking_export": Rule(
        only("programme_manager", answer=REDIRECT), method="post",
        kwargs=lambda world: {"pk": world.round.pk, "file_format": "csv"},
    ),
    "assessment:moderate": Rule(only("programme_manager"), kwargs=lambda world: {"pk": world.eligible.pk}),
    # Decisions, letters and offers
    "grants:decisions": Rule(only("programme_manager"), kwargs=lambda world: {"pk": world.round.pk}),
    "grants:decide": Rule(only("programme_manager"), kwargs=lambda world: {"pk": world.sent.pk}),
    "grants:confirm": Rule(only("programme_manager"), kwargs=lambda world: {"pk": world.round.pk}),
    "grants:send_back": Rule(only("programme_manager"), kwargs=lambda world: {"pk": world.decision.pk}),
    "grants:letters_for_round": Rule(only("programme_manager"), kwargs=lambda world: {"pk": world.round.pk}),
    "grants:letter_batch": Rule(only("programme_manager"), kwargs=lambda world: {"pk": world.batch.pk}),
    "grants:letter_batch_retry": Rule(
        only("programme_manager", answer=REDIRECT), method="post", kwargs=lambda world: {"pk": world.batch.pk}
    ),
    "grants:letter_correct": Rule(only("programme_manager"), kwargs=lambda world: {"pk": world.award.application.pk}),
    "grants:letters": Rule(sent_and_readable(), kwargs=lambda world: {"pk": world.award.application.pk}),
    "grants:letter": Rule(sent_and_readable(), kwargs=lambda world: {"pk": world.letter.pk}),
    "grants:award": Rule(member_only(), kwargs=lambda world: {"pk": world.award.pk}),
    "grants:application_grant": Rule(member_only(answer=302), kwargs=lambda world: {"pk": world.award.application_id}),
    "grants:accept": Rule(member_only(), kwargs=lambda world: {"pk": world.award.pk}),
    "grants:decline": Rule(member_only(), kwargs=lambda world: {"pk": world.award.pk}),
    "grants:payout_account": Rule(member_only(), kwargs=lambda world: {"pk": world.award.pk}),
    "grants:payout_account_done": Rule(member_only(answer=REDIRECT), kwargs=lambda world: {"pk": world.award.pk}),
    # Finance
    "grants:suspend": Rule(only("programme_manager"), kwargs=lambda world: {"pk": world.award.pk}),
    "grants:resume": Rule(only("programme_manager"), kwargs=lambda world: {"pk": world.award.pk}),
    "grants:clawback_new": Rule(only("programme_manager"), kwargs=lambda world: {"pk": world.award.pk}),
    "grants:clawback": Rule(only("programme_manager", "finance_officer"), kwargs=lambda world: {"pk": world.clawback.pk}),
    "grants:repayment_new": Rule(only("finance_officer"), kwargs=lambda world: {"pk": world.clawback.pk}),
    # Changes to a running grant: its organisation asks, programme managers decide
    "variations:new": Rule(member_only(), kwargs=lambda world: {"pk": world.grant_to_vary.pk}),
    "variations:detail": Rule(sent_and_readable(), kwargs=lambda world: {"pk": world.variation.pk}),
    "variations:waiting": Rule(only("programme_manager")),
    "variations:approve": Rule(only("programme_manager"), kwargs=lambda world: {"pk": world.variation.pk}),
    "variations:refuse": Rule(only("programme_manager"), kwargs=lambda world: {"pk": world.variation.pk}),
    # Approved by another programme manager: the one visiting may confirm it.
    "variations:confirm": Rule(only("programme_manager"), kwargs=lambda world: {"pk": world.approved_variation.pk}),
    "grants:payments": Rule(only("finance_officer")),
    "grants:tranche_release": Rule(only("finance_officer"), kwargs=lambda world: {"pk": world.tranche.pk}),
    "grants:ledger": Rule(only("finance_officer", "programme_manager"), kwargs=lambda world: {"pk": world.round.pk}),
    "grants:ledger_export": Rule(
        only("finance_officer", "programme_manager", answer=REDIRECT), method="post",
        kwargs=lambda world: {"pk": world.round.pk},
    ),
    "grants:three_sixty_giving_export": Rule(
        only("programme_manager", answer=REDIRECT), method="post",
        kwargs=lambda world: {"pk": world.round.pk, "file_format": "json"},
    ),
    # Monitoring
    "monitoring:return": Rule(member_only(), kwargs=lambda world: {"pk": world.award.pk, "quarter": 1}),
    "monitoring:poor_response_new": Rule(member_only(), kwargs=lambda world: {"pk": world.award.pk, "quarter": 1}),
    "monitoring:poor_response_edit": Rule(member_only(), kwargs=lambda world: {
        "pk": world.award.pk, "quarter": 1, "response_pk": world.poor_response.pk}),
    "monitoring:poor_response_remove": Rule(member_only(), kwargs=lambda world: {
        "pk": world.award.pk, "quarter": 1, "response_pk": world.poor_response.pk}),
    "monitoring:returns": Rule(only("programme_manager")),
    "monitoring:review": Rule(only("programme_manager"), kwargs=lambda world: {"pk": world.monitoring_return.pk}),
    "monitoring:allow_early": Rule(only("programme_manager"), kwargs=lambda world: {"pk": world.monitoring_return.pk}),
    "monitoring:grant": Rule(only("programme_manager"), kwargs=lambda world: {"pk": world.award.pk}),
    "monitoring:end_report": Rule(member_only(), kwargs=lambda world: {"pk": world.award.pk}),
    "monitoring:end_report_review": Rule(only("programme_manager"), kwargs=lambda world: {"pk": world.end_report.award_id}),
    "monitoring:outcomes": Rule(only("programme_manager"), kwargs=lambda world: {"pk": world.round.pk}),
    "monitoring:figures_sheet": Rule(
        only("programme_manager"), kwargs=lambda world: {"pk": world.round.pk, "file_format": "csv"}
    ),
    "monitoring:figures_upload": Rule(only("programme_manager"), kwargs=lambda world: {"pk": world.round.pk}),
    "monitoring:figures_import": Rule(only("programme_manager"), kwargs=lambda world: {"pk": world.figures_import.pk}),
    # Published for anyone: a round's results and its grants as open data.
    "monitoring:round_results": Rule(everyone(200), kwargs=lambda world: {"pk": world.round.pk}),
    "monitoring:round_grants_file": Rule(everyone(200), kwargs=lambda world: {"pk": world.round.pk}),
    "monitoring:poor_responses": Rule(only("programme_manager"), kwargs=lambda world: {"pk": world.round.pk}),
    "monitoring:evidence_pack": Rule(
        only("programme_manager"), kwargs=lambda world: {"pk": world.round.pk, "file_format": "pdf"},
        query={"area": "Central East BCU", "quarter": "2027-01-01"},
    ),
    "monitoring:programme_reports": Rule(only("programme_manager"), kwargs=lambda world: {"pk": world.round.pk}),
    "monitoring:programme_report_new": Rule(only("programme_manager"),
                                            kwargs=lambda world: {"pk": world.round.pk, "quarter": 1}),
    "monitoring:programme_report": Rule(only("programme_manager"),
                                        kwargs=lambda world: {"pk": world.programme_report.pk, "kind": "pdf"}),
    "monitoring:outcomes_download": Rule(
        only("programme_manager"), kwargs=lambda world: {"pk": world.round.pk, "file_format": "xlsx"}
    ),
    # Messages: the organisation's team and the programme managers. Assessors and finance officers read no threads.
    "conversations:inbox": Rule(only("applicant", "other_applicant", "programme_manager")),
    "conversations:thread": Rule(sent_and_readable(), kwargs=lambda world: {"pk": world.award.application_id}),
    "conversations:file": Rule(
        sent_and_readable(), kwargs=lambda world: {"pk": world.award.application_id, "file_pk": world.message_file.pk}
    ),
    "conversations:bulk_message_new": Rule(only("programme_manager"), kwargs=lambda world: {"pk": world.round.pk}),
    "conversations:bulk_message": Rule(only("programme_manager"), kwargs=lambda world: {"pk": world.bulk_message.pk}),
    "conversations:bulk_message_retry": Rule(
        only("programme_manager", answer=REDIRECT), method="post", kwargs=lambda world: {"pk": world.bulk_message.pk}
    ),
    # Stripe's webhook answers to a signature, not a session: an unsigned call from anyone is refused.
    "grants:stripe_webhook": Rule(everyone(400), method="post"),
    # The admin site checks is_staff itself; only its front door is listed here, the rest is Django's own.
    "admin:index": Rule(answers(REDIRECT, REDIRECT, REDIRECT, REDIRECT, 200, REDIRECT)),
    # The admin's own forms for guarded changes: a round's budget and status for programme managers, roles and
    # superuser access for superusers only.
    "admin:applications_round_budget": Rule(
        answers(REDIRECT, REDIRECT, REDIRECT, REDIRECT, 200, REDIRECT),
        kwargs=lambda world: {"object_id": world.round.pk},
    ),
    "admin:applications_round_status": Rule(
        answers(REDIRECT, REDIRECT, REDIRECT, REDIRECT, 200, REDIRECT),
        kwargs=lambda world: {"object_id": world.round.pk},
    ),
    "admin:accounts_user_role": Rule(
        answers(REDIRECT, REDIRECT, REDIRECT, REDIRECT, 403, REDIRECT),
        kwargs=lambda world: {"object_id": world.users["assessor"].pk},
    ),
    "admin:accounts_user_superuser": Rule(
        answers(REDIRECT, REDIRECT, REDIRECT, REDIRECT, 403, REDIRECT),
        kwargs=lambda world: {"object_id": world.users["assessor"].pk},
    ),
}


def url_names(patterns, namespace: str = "") -> set[str]:
    names = set()
    for entry in patterns:
        if isinstance(entry, URLResolver):
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            names |= url_names(entry.url_patterns, inner)
        elif isinstance(entry, URLPattern) and entry.name:
            names.add(f"{namespace}{entry.name}")
    return names


SERVICE_URLS = {name for name in url_names(get_resolver().url_patterns) if not name.startswith("admin:")}


def test_every_url_has_an_expected_answer_for_every_role():
    missing = SERVICE_URLS - ACCESS.keys()
    stale = {name for name in ACCESS.keys() - SERVICE_URLS if not name.startswith("admin:")}
    assert not missing, f"URLs with no row in ACCESS: {sorted(missing)}"
    assert not stale, f"Rows in ACCESS for URLs that no longer exist: {sorted(stale)}"
    for name, rule in ACCESS.items():
        assert set(rule.expect) == set(ROLES), f"{name} does not say what every role gets"


@pytest.fixture
def world(db):
    """The records the URLs point at, owned by the applicant's organisation where ownership applies."""
    applicant = MembershipFactory(user__role=Role.APPLICANT).user
    other_applicant = MembershipFactory(user__role=Role.APPLICANT).user
    staff = {
        role: user_role_change(user=UserFactory(), role=role, acting_user=None, reason="Appointed")
        for role in (Role.ASSESSOR, Role.PROGRAMME_MANAGER, Role.FINANCE_OFFICER)
    }
    organisation = applicant.memberships.get().organisation
    audit_record(acting_user=applicant, action=AuditAction.ORGANISATION_CREATED, target=organisation)
    round_ = RoundFactory()
    application = ApplicationFactory(round=round_, organisation=organisation)
    CriterionFactory(round=round_)
    # A round being set up, whose criteria and indicators can still change.
    draft_round = RoundFactory(status="draft")
    criterion = CriterionFactory(round=draft_round)
    indicator = IndicatorFactory(round=draft_round)
    eligible = ApplicationFactory(round=round_, status="eligible", reference="A-0002")
    round_.assessors.add(staff[Role.ASSESSOR])
    allocation = Allocation.objects.create(application=eligible, assessor=staff[Role.ASSESSOR])
    ConflictDeclaration.objects.create(application=eligible, assessor=staff[Role.ASSESSOR], has_conflict=False)
    award = AwardFactory(application__round=RoundFactory(), application__organisation=organisation)
    # Proposed by another programme manager, appointed with the rest: the one visiting may check it.
    proposer = user_role_change(user=UserFactory(), role=Role.PROGRAMME_MANAGER, acting_user=None, reason="Appointed")
    decision = Decision.objects.create(application=eligible, outcome="not_fund", proposed_outcome="not_fund",
                                       decided_by=proposer)
    grant = grant_under_way(application__organisation=organisation)
    variation = variation_request(award=grant, asked=Asked(targets={grant.application.targets.first().pk: 5}),
                                  reason="Fewer people than we hoped in quarter 1.", acting_user=applicant)
    grant_to_vary = grant_under_way(application__organisation=organisation)
    other_grant = grant_under_way(amount="6000.00")
    first, second = other_grant.application.budget_lines.order_by("position")[:2]
    approved_variation = variation_approve(variation=variation_request(
        award=other_grant, asked=Asked(budget={first.pk: first.amount - 1000, second.pk: second.amount + 1000}),
        reason="A bigger room.", acting_user=other_grant.application.organisation.memberships.get().user,
    ), acting_user=proposer)
    monitoring_return = Return.objects.create(award=award, quarter=1, period_start=date(2027, 1, 1),
                                              period_end=date(2027, 3, 31), due_on=date(2027, 4, 30))
    return SimpleNamespace(
        users={
            "anonymous": None,
            "other_applicant": other_applicant,
            "applicant": applicant,
            "assessor": staff[Role.ASSESSOR],
            "programme_manager": staff[Role.PROGRAMME_MANAGER],
            "finance_officer": staff[Role.FINANCE_OFFICER],
        },
        organisation=organisation,
        round=round_,
        draft_round=draft_round,
        criterion=criterion,
        indicator=indicator,
        question=draft_round.sections.get().questions.first(),
        application=application,
        document=ApplicationDocumentFactory(application=application),
        media_answer=MediaAnswerFactory(application=application),
        file_answer=FileAnswer.objects.create(
            application=application, question=Question.objects.create(
                section=round_.sections.get(), code="constitution", label="Upload your constitution", kind="file",
                position=50,
            ), file=ContentFile(PDF_BYTES, name="constitution.pdf"), original_name="constitution.pdf",
            content_type="application/pdf", size=len(PDF_BYTES),
        ),
        adjustment=AdjustmentRequestFactory(application=application),
        invitation=InvitationFactory(organisation=organisation),
        eligible=eligible,
        decision=decision,
        allocation=allocation,
        scores_import=ScoresImport.objects.create(assessor=staff[Role.ASSESSOR],
                                                  spreadsheet=ContentFile(b"", name="my-scores.csv")),
        sent=ApplicationFactory(round=round_, status="submitted", reference="A-0003"),
        award=award,
        letter=Letter.objects.get(application=award.application, kind="offer"),
        batch=LetterBatch.objects.create(round=round_),
        export=Export.objects.create(
            requested_by=staff[Role.PROGRAMME_MANAGER], name="grants.360giving", title="360Giving JSON file",
            parameters={"round_pk": round_.pk, "file_format": "json"}, outcome=Export.Outcome.READY,
            file=ContentFile(b'{"grants": []}', name="360giving.json"), filename="360giving.json",
            content_type="application/json",
        ),
        figures_import=FiguresImport.objects.create(round=round_, spreadsheet=ContentFile(b"", name="returns.csv")),
        monitoring_return=monitoring_return,
        programme_report=ProgrammeReport.objects.create(
            round=round_, quarter=1, issued_by=staff[Role.PROGRAMME_MANAGER], pdf=ContentFile(PDF_BYTES, name="r.pdf"),
            large_print_pdf=ContentFile(PDF_BYTES, name="r.pdf"), csv=ContentFile(b"Section", name="r.csv"),
        ),
        poor_response=PoorResponse.objects.create(monitoring_return=monitoring_return, police_area="Central East BCU",
                                                  month=date(2027, 1, 1), problems=["no_follow_up"]),
        grant_to_vary=grant_to_vary,
        variation=variation,
        approved_variation=approved_variation,
        message_file=MessageFileFactory(message__application=award.application),
        bulk_message=BulkMessage.objects.create(round=round_, audience="everyone", body="Reports are due soon."),
        tranche=Tranche.objects.create(award=award, number=1, share=50, amount=award.amount / 2, after="acceptance",
                                       status="due", idempotency_key="tranche-access-1"),
        end_report=EndReport.objects.create(award=award, achievements="Most of what we promised"),
        clawback=Clawback.objects.create(award=award, amount=Decimal("10.00"), reason="Not spent on the project",
                                         proposed_by=staff[Role.PROGRAMME_MANAGER], proposed_at=timezone.now()),
    )


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("url_name", sorted(ACCESS))
def test_each_role_gets_the_expected_answer(client_for, world, url_name, role):
    rule = ACCESS[url_name]
    url = reverse(url_name, kwargs=rule.kwargs(world))
    response = getattr(client_for(world.users[role]), rule.method)(url, rule.query)
    expected = rule.expect[role]
    if expected == SIGN_IN:
        assert response.status_code == 302, f"{role} on {url}: {response.status_code}"
        assert response.url.startswith(reverse("accounts:sign_in")), f"{role} on {url} went to {response.url}"
    elif expected == REDIRECT:
        assert response.status_code == 302, f"{role} on {url}: {response.status_code}"
        assert not response.url.startswith(reverse("accounts:sign_in")), f"{role} on {url} was sent to sign in"
    else:
        assert response.status_code == expected, f"{role} on {url}: {response.status_code}, expected {expected}"


STAFF = ("assessor", "programme_manager", "finance_officer")
# All a member of staff who has given only their password may open: the second factor's own pages, the ways out,
# and the statements linked from every page's footer.
OPEN_BEFORE_SECOND_FACTOR = {
    "accounts:two_factor",
    "accounts:two_factor_setup",
    "accounts:sign_out",
    "accounts:timed_out",
    "accounts:session_extend",
    "core:accessibility",
    "core:privacy",
    "core:cookies",
    "core:favicon",
}


@pytest.mark.parametrize("role", STAFF)
@pytest.mark.parametrize("url_name", sorted(ACCESS))
def test_staff_who_have_not_given_their_second_factor_are_sent_to_give_it(client_for, world, url_name, role):
    rule = ACCESS[url_name]
    url = reverse(url_name, kwargs=rule.kwargs(world))
    response = getattr(client_for(world.users[role], second_factor=False), rule.method)(url)
    sent_to_second_factor = response.status_code == 302 and response.url.split("?")[0] == reverse("accounts:two_factor")
    if url_name in OPEN_BEFORE_SECOND_FACTOR:
        assert not sent_to_second_factor, f"{role} on {url} was asked for a code"
    else:
        assert sent_to_second_factor, f"{role} on {url}: {response.status_code} {response.get('Location', '')}"
