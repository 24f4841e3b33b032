"""Every change to organisations, eligibility checks and applications, each in one transaction with its audit event."""

import re
from datetime import datetime
from decimal import Decimal
from functools import partial

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify

from accounts.models import User, normalise_email
from accounts.permissions import is_programme_manager
from applications.audit import AuditAction
from applications.eligibility import eligibility_failures
from applications.models import (
    AdjustmentRequest,
    Answer,
    Application,
    ApplicationDocument,
    ApplicationSection,
    BudgetLine,
    Criterion,
    DeadlineExtension,
    EligibilityCheck,
    FileAnswer,
    Indicator,
    InformationRequest,
    Invitation,
    MediaAnswer,
    Membership,
    Organisation,
    OutcomeTarget,
    Question,
    Round,
    SLUGS_TAKEN,
    ScoreDescriptor,
    Section,
    default_tranche_schedule,
)
from applications.notifications import MORE_INFORMATION, MORE_INFORMATION_SENT
from applications.permissions import can_transcribe_media_answer
from applications.questions import (
    STANDARD_QUESTIONS,
    STANDARD_SECTION,
    answer_in_words,
    question_problems,
    sections_in_words,
)
from applications.round_setup import changes_in_words, round_setup_gaps
from applications.sections import incomplete_sections
from applications.selectors import live_application, open_information_request, round_open_for
from core.emails import email_send_on_commit
from core.generations import THREADS, generation_move_on
from core.refusals import ServiceError
from core.models import AuditEvent
from core.services import audit_record, notify
from core.templatetags.govuk import govuk_datetime
from core.state import InvalidTransition


class ApplicationError(ServiceError):
    """A request the rules refuse; its message is written for the person who asked."""


class DeadlinePassed(ApplicationError):
    pass


# Organisations -----------------------------------------------------------------------------------------------------


def organisation_create(*, acting_user: User, fields: dict) -> Organisation:
    with transaction.atomic():
        organisation = Organisation.objects.create(**fields)
        Membership.objects.create(organisation=organisation, user=acting_user, role=Membership.Role.OWNER)
        audit_record(acting_user=acting_user, action=AuditAction.ORGANISATION_CREATED, target=organisation)
        return organisation


def organisation_update(*, organisation: Organisation, acting_user: User, fields: dict) -> Organisation:
    with transaction.atomic():
        for name, value in fields.items():
            setattr(organisation, name, value)
        organisation.save()
        audit_record(acting_user=acting_user, action=AuditAction.ORGANISATION_UPDATED, target=organisation)
        return organisation


def invitation_send(*, organisation: Organisation, email: str, role: str, acting_user: User, site_url: str) -> Invitation:
    email = normalise_email(email)
    with transaction.atomic():
        if organisation.memberships.filter(user__email=email).exists():
            raise ApplicationError(f"{email} is already a member of {organisation}.")
        invitation = Invitation.objects.create(organisation=organisation, email=email, role=role, invited_by=acting_user)
        audit_record(acting_user=acting_user, action=AuditAction.MEMBER_INVITED, target=organisation,
                     data={"email": email})
        email_send_on_commit(
            to=email,
            subject=f"Join {organisation} to apply for a grant",
            template="applications/emails/invitation.txt",
            context={
                "invitation": invitation,
                "accept_url": site_url + reverse("applications:invitation", kwargs={"token": invitation.token}),
            },
        )
        return invitation


def invitation_accept(*, invitation: Invitation, acting_user: User) -> Membership:
    if not acting_user.has_perm("applications.join_organisation"):
        # Outside the transaction below, so the refusal stays on record: staff who belonged to an applicant
        # organisation could score, decide or pay its applications.
        audit_record(acting_user=acting_user, action=AuditAction.STAFF_JOIN_REFUSED,
                     target=invitation.organisation)
        raise ApplicationError(
            f"You cannot join {invitation.organisation} because you work for the funder as "
            f"{acting_user.get_role_display().lower()}. Ask the person who invited you to invite someone else."
        )
    with transaction.atomic():
        invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
        if not invitation.is_usable():
            raise ApplicationError("This invitation has expired or has already been used. Ask for a new one.")
        if normalise_email(invitation.email) != normalise_email(acting_user.email):
            raise ApplicationError(
                f"This invitation was sent to {invitation.email}. Sign in with that email address to accept it."
            )
        membership, _ = Membership.objects.get_or_create(
            organisation=invitation.organisation, user=acting_user, defaults={"role": invitation.role}
        )
        generation_move_on(THREADS)  # the threads of the organisation joined are the person's now
        invitation.accepted_at = timezone.now()
        invitation.save(update_fields=["accepted_at"])
        audit_record(acting_user=acting_user, action=AuditAction.MEMBER_JOINED, target=invitation.organisation)
        return membership


# Eligibility -------------------------------------------------------------------------------------------------------

PROFILE_FIELDS_FROM_ANSWERS = [
    "board_size", "disabled_board_members", "leader_is_disabled", "staff_count", "disabled_staff_count",
    "annual_income", "has_safeguarding_policy", "has_governing_document",
]


def eligibility_check_record(*, round_: Round, organisation: Organisation, answers: dict, acting_user: User) -> EligibilityCheck:
    """Keeps the answers and the result, and updates the organisation's profile so nobody types them twice."""
    answers = {**answers, "annual_income": str(answers["annual_income"])}
    with transaction.atomic():
        check = EligibilityCheck.objects.create(
            round=round_,
            organisation=organisation,
            answers=answers,
            failures=eligibility_failures(round_, answers),
            checked_by=acting_user,
        )
        for name in PROFILE_FIELDS_FROM_ANSWERS:
            if name in answers:
                setattr(organisation, name, Decimal(answers[name]) if name == "annual_income" else answers[name])
        organisation.save()
        organisation.boroughs.set(answers["boroughs"])
        audit_record(
            acting_user=acting_user,
            action=AuditAction.ELIGIBILITY_CHECKED,
            target=organisation,
            to_state="eligible" if check.passed else "not eligible",
            reason=" ".join(check.failures),
        )
        return check


# Applications ------------------------------------------------------------------------------------------------------


def _refuse_after_deadline(round_: Round, organisation: Organisation) -> None:
    if not round_open_for(round_, organisation):
        raise DeadlinePassed(f"{round_} is closed. Applications cannot be started or sent after the deadline.")


def application_start(*, eligibility_check: EligibilityCheck, acting_user: User) -> Application:
    """Starts the organisation's application, or returns the one it already has in this round."""
    round_, organisation = eligibility_check.round, eligibility_check.organisation
    if not eligibility_check.passed:
        raise ApplicationError("Your organisation cannot apply to this round. The eligibility check explains why.")
    existing = live_application(round_, organisation)
    if existing:
        return existing
    _refuse_after_deadline(round_, organisation)
    try:
        with transaction.atomic():
            application = Application.objects.create(
                round=round_, organisation=organisation, eligibility_check=eligibility_check, created_by=acting_user
            )
            audit_record(acting_user=acting_user, action=AuditAction.APPLICATION_STARTED, target=application,
                         to_state="draft")
            return application
    except IntegrityError:
        # A colleague started it at the same moment: carry on with theirs.
        return live_application(round_, organisation)


def application_save_section(
    *, application: Application, step: str, data: dict, acting_user: User, completed: bool, answers: dict | None = None
) -> ApplicationSection:
    """Saves one step as the wizard stores it and, when complete, writes its answers into the application's tables."""
    with transaction.atomic():
        application = Application.objects.select_for_update().get(pk=application.pk)
        reopened = None if application.is_editable else open_information_request(application)
        if not application.is_editable and (reopened is None or step not in reopened.reopened_steps):
            raise ApplicationError("This application has been sent and can no longer be changed.")
        section, _ = ApplicationSection.objects.update_or_create(
            application=application,
            step=step,
            defaults={"data": data, "saved_by": acting_user, "completed_at": timezone.now() if completed else None},
        )
        if completed and answers is not None and reopened is not None:
            _keep_until_sent(application, reopened, step, answers, acting_user)
        elif completed and answers is not None:
            SECTION_WRITERS.get(step, _write_answers)(application, answers, acting_user)
        if not application.is_editable:  # a reopened section: the sent application's page shows its state
            Application.objects.filter(pk=application.pk).update(updated_at=timezone.now())
        return section


def _write_organisation(application: Application, answers: dict, acting_user: User) -> None:
    organisation_update(organisation=application.organisation, acting_user=acting_user, fields=answers)


def _keep_until_sent(application: Application, request: InformationRequest, step: str, answers: dict,
                     acting_user: User) -> None:
    """A reopened section's answers wait on the request until the team sends them (information_send), its recordings
    and files held for it beside the ones sent."""
    request.pending[step] = {question.code: value for question, value in answers["answers"].items()}
    request.save(update_fields=["pending"])
    _store_recordings_and_files(application, answers, acting_user)


def _store_recordings_and_files(application: Application, answers: dict, acting_user: User) -> None:
    application_store_media_answers(application=application, uploads=answers.get("media", {}), acting_user=acting_user)
    if answers.get("files"):
        application_store_file_answers(application=application, uploads=answers["files"], acting_user=acting_user)


def _write_request(application: Application, answers: dict, acting_user: User) -> None:
    application.amount_requested = answers["amount_requested"]
    application.save()
    application.boroughs.set(answers["boroughs"])


def _write_answers(application: Application, answers: dict, acting_user: User) -> None:
    """One of the round's own sections: each question asked keeps its answer with its words as asked now; one not
    asked (given an earlier answer) loses any answer it had. The answers giving the project's name and published
    summary are copied to the application."""
    section, given = answers["section"], answers["answers"]
    Answer.objects.filter(application=application, question__section=section).delete()
    Answer.objects.bulk_create(
        Answer(application=application, question=question, label=question.label, value=value, saved_by=acting_user)
        for question, value in given.items()
    )
    for question, value in given.items():
        if question.is_title:
            application.title = answer_in_words(question, value)[:120]
        if question.is_description:
            application.summary = answer_in_words(question, value)
    application.save()
    _store_recordings_and_files(application, answers, acting_user)


def _replace_answer_files(model, *, application: Application, uploads: dict, acting_user: User) -> list:
    """Stores each checked upload answering a question (question -> (file, content type)) as a `model` row,
    replacing an earlier one; a file kept earlier in the same request, when another answer needed correcting, is not
    stored twice. Uploaded to a sent application's reopened section, it is held for the request until the team sends
    their changes. Returns the questions whose file is new. Called in a transaction."""
    if not uploads:
        return []
    held_for = _uploads_held_for(application)
    stored = []
    for question, (upload, content_type) in uploads.items():
        kept = model.with_held.filter(application=application, question=question, held_for=held_for)
        if kept.filter(original_name=upload.name[:200], size=upload.size).exists():
            continue
        _delete_with_files(kept)
        model.objects.create(
            application=application, question=question, file=upload, original_name=upload.name[:200],
            content_type=content_type, size=upload.size, uploaded_by=acting_user, held_for=held_for,
        )
        stored.append(question)
    return stored


def _uploads_held_for(application: Application) -> InformationRequest | None:
    """None while the application is a draft; once sent, the request for more information its team is answering."""
    if Application.objects.get(pk=application.pk).is_editable:
        return None
    request = open_information_request(application)
    if request is None:
        raise ApplicationError("This application has been sent and can no longer be changed.")
    return request


def _send_held_uploads(request: InformationRequest) -> None:
    """The files and recordings held for the request become the application's answers, in place of the ones sent."""
    for model in (FileAnswer, MediaAnswer):
        held = model.with_held.filter(held_for=request)
        _delete_with_files(model.objects.filter(
            application=request.application_id, question__in=held.values("question")))
        held.update(held_for=None)


def application_store_file_answers(*, application: Application, uploads: dict, acting_user: User) -> None:
    """Stores each checked file answering a file question, keyed by the question."""
    with transaction.atomic():
        _replace_answer_files(FileAnswer, application=application, uploads=uploads, acting_user=acting_user)


def application_store_media_answers(*, application: Application, uploads: dict, acting_user: User) -> None:
    """Stores each checked video or audio answer, keyed by the question's code, each new one audited."""
    with transaction.atomic():
        for question in _replace_answer_files(MediaAnswer, application=application, uploads=uploads,
                                              acting_user=acting_user):
            audit_record(acting_user=acting_user, action=AuditAction.MEDIA_ANSWER_UPLOADED, target=application,
                         data={"question": question})


# More information after sending ---------------------------------------------------------------------------------------

# Sent and not yet decided: the stages at which a programme manager may ask an organisation for more.
INFORMATION_STATUSES = {Application.Status.SUBMITTED, Application.Status.ELIGIBLE, Application.Status.SCORED}


def information_request(*, application: Application, sections: list[Section], message: str, respond_by: datetime,
                        acting_user: User) -> InformationRequest:
    """Reopens named sections of the round's own questions for the organisation's team, who are told in the service
    and by email (which links to the application rather than holding the message). The answers as they stand are kept beside the request.
    Only the round's questions reopen: the amount, budget and targets the money is worked out from do not."""
    with transaction.atomic():
        application = Application.objects.select_for_update().select_related("round", "organisation").get(
            pk=application.pk)
        if application.status not in INFORMATION_STATUSES:
            raise ApplicationError("You can ask for more information only on a sent application that is not decided.")
        if application.information_requests.filter(answered_at__isnull=True).exists():
            raise ApplicationError("This application already has a request waiting for an answer.")
        if not sections or any(section.round_id != application.round_id for section in sections):
            raise ApplicationError("Choose at least one section of this round's questions to reopen.")
        if respond_by <= timezone.now():
            raise ApplicationError("The date to answer by must be in the future.")
        request = InformationRequest.objects.create(
            application=application, message=message.strip(), respond_by=respond_by, requested_by=acting_user,
            before=_answers_in(application, sections),
        )
        request.sections.set(sections)
        Application.objects.filter(pk=application.pk).update(updated_at=timezone.now())
        audit_record(acting_user=acting_user, action=AuditAction.INFORMATION_REQUESTED, target=application,
                     data={"sections": sections_in_words(sections)})
        notify(recipients=[membership.user for membership in application.organisation.memberships.select_related("user")],
               kind=MORE_INFORMATION.code, link=reverse("applications:detail", kwargs={"pk": application.pk}),
               subject=f"We need more information about application {application.reference}, by "
                       f"{govuk_datetime(respond_by)}")
        return request


def information_send(*, application: Application, acting_user: User) -> InformationRequest:
    """Sends the reopened sections back: each must be complete. Their changes become the application's answers now,
    and the answers as sent are kept beside those asked about, so assessors see what changed. Sent already, it
    returns the request as it was sent."""
    with transaction.atomic():
        application = Application.objects.select_for_update().get(pk=application.pk)
        request = application.information_requests.filter(answered_at__isnull=True).first()
        if request is None:
            latest = application.information_requests.first()
            if latest is not None:
                return latest  # sent already, by a second click or a colleague: nothing more to do
            raise ApplicationError("Nothing is waiting for your answer.")
        if request.respond_by < timezone.now():
            raise ApplicationError("The date to answer by has passed. Email us if you need more time.")
        sections = list(request.sections.all())
        saved = {section.step: section for section in application.sections.filter(step__in=[s.slug for s in sections])}
        unfinished = [section.title for section in sections
                      if section.slug not in saved or saved[section.slug].completed_at is None]
        if unfinished:
            raise ApplicationError(f"Complete {', '.join(unfinished)} before you send your changes.")
        for section in sections:
            if section.slug in request.pending:
                questions = {question.code: question for question in section.questions.all()}
                given = request.pending[section.slug]
                _write_answers(application, {"section": section, "answers": {
                    questions[code]: value for code, value in given.items() if code in questions
                }}, acting_user)
        _send_held_uploads(request)
        request.after = _answers_in(application, sections)
        request.answered_by, request.answered_at = acting_user, timezone.now()
        request.save(update_fields=["after", "answered_by", "answered_at"])
        Application.objects.filter(pk=application.pk).update(updated_at=timezone.now())
        audit_record(acting_user=acting_user, action=AuditAction.INFORMATION_SENT, target=application,
                     data={"sections": sections_in_words(sections)})
        notify(recipients=[request.requested_by], kind=MORE_INFORMATION_SENT.code,
               link=reverse("applications:manage_application", kwargs={"pk": application.pk}),
               subject=f"{application.organisation} sent the more information you asked for on {application.reference}")
        return request


def _answers_in(application: Application, sections: list[Section]) -> dict:
    return {
        answer.question.code: [answer.label, answer.value]
        for answer in application.answers.filter(question__section__in=sections).select_related("question")
    }


def media_answer_transcribe(*, answer: MediaAnswer, transcript: str, acting_user: User) -> MediaAnswer:
    """Keeps the written words of a recorded answer beside it, for anyone who cannot watch or hear it."""
    with transaction.atomic():
        answer = MediaAnswer.objects.select_for_update().select_related("application__organisation").get(pk=answer.pk)
        if not can_transcribe_media_answer(acting_user, answer.application):
            raise ApplicationError("You cannot change the transcript of this recording.")
        answer.transcript = transcript.strip()
        answer.save(update_fields=["transcript"])
        # The answers changed: a page keeping them (selectors.sent_page_version) shows them afresh.
        Application.objects.filter(pk=answer.application_id).update(updated_at=timezone.now())
        audit_record(acting_user=acting_user, action=AuditAction.MEDIA_ANSWER_TRANSCRIBED, target=answer.application,
                     data={"question": answer.question})
        return answer


def _write_outcomes(application: Application, answers: dict, acting_user: User) -> None:
    application.targets.all().delete()
    OutcomeTarget.objects.bulk_create(
        OutcomeTarget(application=application, indicator=indicator, quarter=quarter, target=target)
        for indicator, quarter, target in answers["targets"]
    )


def _write_budget(application: Application, answers: dict, acting_user: User) -> None:
    application.budget_lines.all().delete()
    BudgetLine.objects.bulk_create(
        BudgetLine(application=application, position=position, category=line["category"],
                   description=line["description"], amount=line["amount"])
        for position, line in enumerate(answers["lines"])
    )


def application_store_documents(*, application: Application, uploads: dict, acting_user: User) -> None:
    """Stores each checked upload, replacing an earlier file of the same kind."""
    with transaction.atomic():
        for kind, (upload, content_type) in uploads.items():
            _delete_with_files(ApplicationDocument.objects.filter(application=application, kind=kind))
            ApplicationDocument.objects.create(
                application=application, kind=kind, file=upload, original_name=upload.name[:200],
                content_type=content_type, size=upload.size, uploaded_by=acting_user,
            )
            audit_record(acting_user=acting_user, action=AuditAction.DOCUMENT_UPLOADED, target=application,
                         data={"document": kind.replace("_", " ")})


def _delete_with_files(uploads) -> None:
    """Deletes replaced uploads, and their files from storage once the replacement is committed: a rollback
    keeps the old row, so it must keep the old file too."""
    files = [(upload.file.storage, upload.file.name) for upload in uploads]
    uploads.delete()
    for storage, name in files:
        transaction.on_commit(partial(storage.delete, name))


def _write_documents(application: Application, answers: dict, acting_user: User) -> None:
    application_store_documents(application=application, uploads=answers["uploads"], acting_user=acting_user)


def _write_declarations(application: Application, answers: dict, acting_user: User) -> None:
    application.declarant_name = answers["declarant_name"]
    application.declarant_role = answers["declarant_role"]
    application.declared_on = answers["declared_on"]
    application.save()


SECTION_WRITERS = {
    "organisation": _write_organisation,
    "request": _write_request,
    "outcomes": _write_outcomes,
    "budget": _write_budget,
    "documents": _write_documents,
    "declarations": _write_declarations,
}


def application_submit(*, application: Application, acting_user: User, site_url: str) -> Application:
    """Sends the application. Two clicks, from two tabs or two colleagues, make one submission."""
    with transaction.atomic():
        application = Application.objects.select_for_update().select_related("round", "organisation").get(pk=application.pk)
        if application.status == Application.Status.SUBMITTED:
            return application
        _refuse_after_deadline(application.round, application.organisation)
        incomplete = incomplete_sections(application)
        if incomplete:
            raise ApplicationError(f"Complete every section before you send the application. Still to do: {', '.join(incomplete)}.")
        previous = application.transition_to(Application.Status.SUBMITTED)
        round_ = Round.objects.select_for_update().get(pk=application.round_id)
        round_.last_reference_number += 1
        round_.save(update_fields=["last_reference_number"])
        application.reference = f"{round_.reference_prefix}-{round_.last_reference_number:04d}"
        application.submitted_at = timezone.now()
        application.submitted_by = acting_user
        application.save()
        audit_record(acting_user=acting_user, action=AuditAction.APPLICATION_SUBMITTED, target=application,
                     from_state=previous, to_state=application.status)
        for membership in application.organisation.memberships.select_related("user"):
            email_send_on_commit(
                to=membership.user.email,
                subject=f"Application {application.reference} received",
                template="applications/emails/submitted.txt",
                context={
                    "application": application,
                    "person": membership.user,
                    "application_url": site_url + reverse("applications:detail", kwargs={"pk": application.pk}),
                },
            )
        return application


def application_withdraw(*, application: Application, acting_user: User, reason: str) -> Application:
    with transaction.atomic():
        application = Application.objects.select_for_update().get(pk=application.pk)
        previous = application.transition_to(Application.Status.WITHDRAWN)
        application.save(update_fields=["status", "updated_at"])
        audit_record(acting_user=acting_user, action=AuditAction.APPLICATION_WITHDRAWN, target=application,
                     from_state=previous, to_state=application.status, reason=reason)
        return application


# Deadlines and reasonable adjustments ------------------------------------------------------------------------------


def extension_grant(
    *, round_: Round, organisation: Organisation, closes_at: datetime, reason: str, acting_user: User
) -> DeadlineExtension:
    with transaction.atomic():
        extension, _ = DeadlineExtension.objects.update_or_create(
            round=round_, organisation=organisation,
            defaults={"closes_at": closes_at, "reason": reason, "granted_by": acting_user},
        )
        audit_record(acting_user=acting_user, action=AuditAction.DEADLINE_EXTENDED, target=organisation,
                     to_state=f"deadline {timezone.localtime(closes_at):%d %b %Y %H:%M}", reason=reason)
        for membership in organisation.memberships.select_related("user"):
            email_send_on_commit(
                to=membership.user.email,
                subject=f"More time to apply to {round_}",
                template="applications/emails/extension.txt",
                context={"extension": extension, "person": membership.user},
            )
        return extension


def adjustment_request(
    *, application: Application, kind: str, details: str, acting_user: User, site_url: str = ""
) -> AdjustmentRequest:
    """Records a request. BSL video or audio answers are agreed at once: nobody should wait to answer in their language."""
    with transaction.atomic():
        adjustment = AdjustmentRequest.objects.create(
            application=application, kind=kind, details=details, requested_by=acting_user
        )
        audit_record(acting_user=acting_user, action=AuditAction.ADJUSTMENT_REQUESTED, target=application,
                     reason=details, data={"kind": adjustment.get_kind_display()})
        if kind == AdjustmentRequest.Kind.ALTERNATIVE_FORMAT:
            adjustment.transition_to(AdjustmentRequest.Status.AGREED)
            adjustment.response = "You can now upload a video or audio answer for each long question in 'Your project'."
            adjustment.decided_at = timezone.now()
            adjustment.save()
        else:
            email_send_on_commit(
                to=settings.FUNDER_EMAIL,
                subject=f"Request for a reasonable adjustment from {application.organisation}",
                template="applications/emails/adjustment_requested.txt",
                context={"adjustment": adjustment, "review_url": site_url + reverse("applications:adjustment",
                                                                                     kwargs={"pk": adjustment.pk})},
            )
        return adjustment


def adjustment_decide(*, adjustment: AdjustmentRequest, agreed: bool, response: str, acting_user: User) -> AdjustmentRequest:
    with transaction.atomic():
        adjustment = AdjustmentRequest.objects.select_for_update().select_related("application").get(pk=adjustment.pk)
        answer = AdjustmentRequest.Status.AGREED if agreed else AdjustmentRequest.Status.DECLINED
        if not adjustment.can_transition_to(answer):
            raise ApplicationError("This request has already been answered.")
        previous = adjustment.transition_to(answer)
        adjustment.response = response
        adjustment.decided_by = acting_user
        adjustment.decided_at = timezone.now()
        adjustment.save()
        audit_record(acting_user=acting_user, action=AuditAction.ADJUSTMENT_ANSWERED,
                     target=adjustment.application, from_state=previous, to_state=adjustment.status, reason=response,
                     data={"kind": adjustment.get_kind_display()})
        for membership in adjustment.application.organisation.memberships.select_related("user"):
            email_send_on_commit(
                to=membership.user.email,
                subject="Reply to your request for an adjustment",
                template="applications/emails/adjustment_reply.txt",
                context={"adjustment": adjustment, "person": membership.user},
            )
        return adjustment


# Rounds ------------------------------------------------------------------------------------------------------------


def _next_prefix(prefix: str) -> str:
    match = re.match(r"^(.*?)(\d+)$", prefix)
    if match:
        return f"{match.group(1)}{int(match.group(2)) + 1:0{len(match.group(2))}d}"
    return f"{prefix[:8]}2"


def _standard(code: str, name: str, guidance: str = "", *, target: bool = False, kind: str = Indicator.Kind.COUNT,
              options: tuple = ()) -> dict:
    return {"code": code, "name": name, "guidance": guidance, "has_target": target, "kind": kind,
            "options": list(options)}


# The Met's user satisfaction survey asks victims how satisfied they are on five questions, each answered so.
SATISFACTION = ("Very or fairly satisfied", "Neither satisfied nor dissatisfied", "Fairly or very dissatisfied")
ASK_VICTIMS = "Ask the victims you supported whose report the police dealt with this quarter."

STANDARD_INDICATORS = [
    _standard("victims_supported", "Disabled victims supported", "People you gave one-to-one support to.", target=True),
    _standard("repeat_victims", "Repeat victims among those supported",
              "People you supported who had been targeted before."),
    _standard("reports_with_support", "Hate incidents and crimes reported to the police with your support",
              target=True),
    _standard("third_party_reports", "Third-party reports made", "Reports you made for someone, or they made through "
              "you.", target=True),
    # Where and what: the hotspots and kinds of incident, never who or the exact place.
    _standard("incidents_by_borough", "Incidents by borough", "The borough each incident happened in.",
              kind=Indicator.Kind.BY_BOROUGH),
    _standard("incident_places", "Incidents by where they happened", kind=Indicator.Kind.BY_CATEGORY,
              options=("At or near home", "In the street", "On public transport", "Online", "Somewhere else")),
    _standard("incident_types", "Incidents by type", kind=Indicator.Kind.BY_CATEGORY,
              options=("Verbal abuse or threats", "Physical violence", "Online abuse",
                       "Linked to anti-social behaviour or a neighbour dispute", "Something else")),
    _standard("repeat_locations", "Incidents at a place where one had happened before",
              "Incidents at the same home, street, stop or online group as an earlier one."),
    # What the police did with the reports.
    _standard("police_report_taken", "Police took the report"),
    _standard("police_crime_recorded", "Police recorded it as a hate crime"),
    _standard("crime_references", "Crime reference numbers obtained"),
    _standard("police_outcome", "Charge or other outcome, where known",
              "A charge, caution, community resolution or other outcome the police told the victim about."),
    _standard("police_report_declined", "Police declined to take the report"),
    _standard("police_response_poor", "Police response judged poor", "By the victim or by you."),
    # How satisfied victims are with the police, and how they are coping.
    *(_standard(f"satisfaction_{code}", f"Satisfaction with the police: {question}", ASK_VICTIMS,
                kind=Indicator.Kind.SURVEY, options=SATISFACTION)
      for code, question in (("contact", "ease of contact"), ("actions", "the actions taken"),
                             ("informed", "being kept informed"), ("treatment", "how they were treated"),
                             ("overall", "overall"))),
    _standard("coping", "Victims better able to cope and recover", "Ask the victims you supported when their support "
              "ends.", kind=Indicator.Kind.SURVEY, options=("Better able to cope and recover", "Not better able",
                                                             "Not sure")),
    _standard("referrals_catch", "Referrals to CATCH partners", target=True),
    _standard("referrals_safeguarding", "Referrals to adult safeguarding"),
    _standard("referrals_marac", "Referrals to a community MARAC", "Multi-agency risk assessment conference."),
    _standard("awareness_sessions", "Awareness sessions held", target=True),
    _standard("people_reached", "People reached by awareness sessions", target=True),
    _standard("volunteers", "Volunteers involved", target=True),
]
# Which standard indicator counts part of which (part: whole): a return never gives more of a part than its whole.
# Repeat victims are among those supported; the incidents split by borough, place and type, those at a place where
# one had happened before, and the police's responses, are of the reports made with the grantee's support; a report recorded as a hate crime was taken, and a
# crime reference or an outcome comes with a recorded crime.
STANDARD_PARTS = {
    "repeat_victims": "victims_supported",
    "incidents_by_borough": "reports_with_support",
    "incident_places": "reports_with_support",
    "incident_types": "reports_with_support",
    "repeat_locations": "reports_with_support",
    "police_report_taken": "reports_with_support",
    "police_report_declined": "reports_with_support",
    "police_response_poor": "reports_with_support",
    "police_crime_recorded": "police_report_taken",
    "crime_references": "police_report_taken",
    "police_outcome": "police_crime_recorded",
}


def round_add_standard_indicators(*, round_: Round, acting_user: User) -> int:
    """Gives a round the standard victim-support indicators it does not have yet; returns how many were added."""
    with transaction.atomic():
        existing = set(round_.indicators.values_list("code", flat=True))
        added = [Indicator(round=round_, position=position, **standard)
                 for position, standard in enumerate(STANDARD_INDICATORS) if standard["code"] not in existing]
        Indicator.objects.bulk_create(added)
        by_code = {indicator.code: indicator for indicator in round_.indicators.all()}
        for indicator in added:
            whole = by_code.get(STANDARD_PARTS.get(indicator.code))
            if whole is not None:
                Indicator.objects.filter(pk=indicator.pk).update(part_of=whole)
        if added:
            audit_record(acting_user=acting_user, action=AuditAction.STANDARD_INDICATORS_ADDED, target=round_,
                         data={"count": len(added)})
            _round_indicators_changed(round_)
        return len(added)


def round_add_standard_questions(*, round_: Round, acting_user: User) -> Section | None:
    """Gives a round the standard "Your project" section and its questions, unless it has a section of that name."""
    with transaction.atomic():
        if round_.sections.filter(slug=STANDARD_SECTION["slug"]).exists():
            return None
        section = Section.objects.create(round=round_, position=round_.sections.count(), **STANDARD_SECTION)
        Question.objects.bulk_create(
            Question(section=section, position=position, **spec) for position, spec in enumerate(STANDARD_QUESTIONS)
        )
        audit_record(acting_user=acting_user, action=AuditAction.STANDARD_QUESTIONS_ADDED, target=round_)
        return section


def section_save(*, round_: Round, section: Section | None, fields: dict, acting_user: User) -> Section:
    """Adds a section of questions to a draft round (last in order, named in its address after its title), or changes
    one's title or introduction."""
    with transaction.atomic():
        round_ = Round.objects.select_for_update().get(pk=round_.pk)
        _check_round_set_up_changeable(round_, acting_user)
        if section is None:
            last = round_.sections.aggregate(last=Max("position"))["last"]
            section = Section(round=round_, position=0 if last is None else last + 1,
                              slug=_unused_code(fields["title"], "section", taken={
                                  *round_.sections.values_list("slug", flat=True), *SLUGS_TAKEN}))
            before = None
        else:
            section = Section.objects.select_for_update().get(pk=section.pk, round=round_)
            before = {name: getattr(section, name) for name in fields}
        for name, value in fields.items():
            setattr(section, name, value)
        if round_.sections.exclude(pk=section.pk).filter(title__iexact=section.title).exists():
            raise ApplicationError(f"The round already has a section called {section.title}: give this one another "
                                   "title.")
        _check_valid(section)
        section.save()
        if before is None:
            audit_record(acting_user=acting_user, action=AuditAction.SECTION_ADDED, target=round_,
                         data={"name": section.title})
        elif changes := changes_in_words(Section, before, fields):
            audit_record(acting_user=acting_user, action=AuditAction.SECTION_CHANGED, target=round_,
                         data={"name": section.title, "changes": changes})
        return section


def section_remove(*, section: Section, acting_user: User) -> None:
    """Removes a section with its questions, unless a question elsewhere is asked only for an answer in it."""
    with transaction.atomic():
        round_ = Round.objects.select_for_update().get(pk=section.round_id)
        _check_round_set_up_changeable(round_, acting_user)
        section = Section.objects.get(pk=section.pk)
        _refuse_removing_conditions(Question.objects.filter(section=section))
        Question.objects.filter(section=section).delete()
        section.delete()
        audit_record(acting_user=acting_user, action=AuditAction.SECTION_REMOVED, target=round_,
                     data={"name": section.title})


def question_save(*, section: Section, question: Question | None, fields: dict, acting_user: User) -> Question:
    """Adds a question to a section of a draft round (last in it, with a code made from its words, unique in the
    round), or changes one. `questions.question_problems` says what makes a question whole."""
    with transaction.atomic():
        round_ = Round.objects.select_for_update().get(pk=section.round_id)
        _check_round_set_up_changeable(round_, acting_user)
        in_round = Question.objects.filter(section__round=round_)
        if question is None:
            last = section.questions.aggregate(last=Max("position"))["last"]
            question = Question(section=section, position=0 if last is None else last + 1,
                                code=_unused_code(fields["label"], "question",
                                                  taken=set(in_round.values_list("code", flat=True))))
            before = None
        else:
            question = Question.objects.select_for_update().get(pk=question.pk, section__round=round_)
            before = {name: getattr(question, name) for name in fields}
        for name, value in fields.items():
            setattr(question, name, value)
        problems = question_problems(question, list(in_round.exclude(pk=question.pk).select_related("section")))
        if problems:
            raise ApplicationError(" ".join(message for _, message in problems))
        _check_valid(question)
        question.save()
        if before is None:
            audit_record(acting_user=acting_user, action=AuditAction.QUESTION_ADDED, target=round_,
                         data={"name": question.label})
        elif changes := changes_in_words(Question, before, fields):
            audit_record(acting_user=acting_user, action=AuditAction.QUESTION_CHANGED, target=round_,
                         data={"name": question.label, "changes": changes})
        return question


def question_remove(*, question: Question, acting_user: User) -> None:
    with transaction.atomic():
        round_ = Round.objects.select_for_update().get(pk=question.section.round_id)
        _check_round_set_up_changeable(round_, acting_user)
        _refuse_removing_conditions(Question.objects.filter(pk=question.pk))
        Question.objects.filter(pk=question.pk).delete()
        audit_record(acting_user=acting_user, action=AuditAction.QUESTION_REMOVED, target=round_,
                     data={"name": question.label})


def _swap_with_neighbour(items: list, item, up: bool, seen_at: int | None):
    """Puts `item` one place earlier or later among `items` (in their order), numbering them all afresh; returns
    the neighbour it changed places with. Nothing moves at either end, nor when the item is no longer where the
    page showed it (`seen_at`), as after a second click on the same button: that returns None."""
    at = items.index(item)
    other_at = at - 1 if up else at + 1
    if not 0 <= other_at < len(items) or seen_at not in (None, at):
        return None
    items[at], items[other_at] = items[other_at], items[at]
    for position, each in enumerate(items):
        each.position = position
    type(item).objects.bulk_update(items, ["position"])
    return items[at]


def _refuse_asking_before_the_answer(question: Question, condition: Question, where: str) -> None:
    raise ApplicationError(f"‘{question.label}’ is asked only for an answer to ‘{condition.label}’, so {where}.")


def section_move(*, section: Section, up: bool, acting_user: User, seen_at: int | None = None) -> bool:
    """Asks a section one place earlier or later, unless a question would then come before the answer it depends on.
    Says whether it moved (see `_swap_with_neighbour`)."""
    with transaction.atomic():
        round_ = Round.objects.select_for_update().get(pk=section.round_id)
        _check_round_set_up_changeable(round_, acting_user)
        sections = list(round_.sections.order_by("position", "pk"))
        section = next(each for each in sections if each.pk == section.pk)
        neighbour = _swap_with_neighbour(sections, section, up, seen_at)
        if neighbour is None:
            return False
        earlier, later = (neighbour, section) if up else (section, neighbour)
        # `later` now comes first: none of its questions may depend on an answer in `earlier`.
        dependant = Question.objects.filter(section=later, shown_if__section=earlier).select_related("shown_if").first()
        if dependant is not None:
            _refuse_asking_before_the_answer(dependant, dependant.shown_if,
                                             f"{later.title} must come after {earlier.title}")
        audit_record(acting_user=acting_user, action=AuditAction.SECTION_MOVED, target=round_,
                     data={"name": section.title, "direction": "up" if up else "down"})
        return True


def question_move(*, question: Question, up: bool, acting_user: User, seen_at: int | None = None) -> bool:
    """Asks a question one place earlier or later in its section, unless it would then come before the answer it
    depends on, or after a question that depends on it. Says whether it moved (see `_swap_with_neighbour`)."""
    with transaction.atomic():
        round_ = Round.objects.select_for_update().get(pk=question.section.round_id)
        _check_round_set_up_changeable(round_, acting_user)
        questions = list(Question.objects.filter(section_id=question.section_id).order_by("position", "pk"))
        question = next(each for each in questions if each.pk == question.pk)
        neighbour = _swap_with_neighbour(questions, question, up, seen_at)
        if neighbour is None:
            return False
        now_first, now_second = (question, neighbour) if up else (neighbour, question)
        if now_first.shown_if_id == now_second.pk:
            _refuse_asking_before_the_answer(now_first, now_second, "it must come after it")
        audit_record(acting_user=acting_user, action=AuditAction.QUESTION_MOVED, target=round_,
                     data={"name": question.label, "direction": "up" if up else "down"})
        return True


def _refuse_removing_conditions(removed) -> None:
    dependants = Question.objects.filter(shown_if__in=removed).exclude(pk__in=removed)
    if dependants.exists():
        raise ApplicationError(
            "Other questions are asked only for an answer to this one: "
            f"{', '.join(question.label for question in dependants)}. Change or remove them first."
        )


def set_up_closed_reason(round_: Round) -> str:
    return f"{round_} is {round_.get_status_display().lower()}: its questions, criteria and indicators can no longer change."


def _check_round_set_up_changeable(round_: Round, acting_user: User) -> None:
    _check_may_set_up_rounds(acting_user)
    if not round_.is_being_set_up:
        raise ApplicationError(set_up_closed_reason(round_))


def criterion_save(*, round_: Round, criterion: Criterion | None, fields: dict, descriptions: dict[int, str],
                   acting_user: User) -> Criterion:
    """Adds a criterion to a draft round (last in order), or changes one, with what each score from 0 to the round's
    highest means (`descriptions`)."""
    with transaction.atomic():
        round_ = Round.objects.select_for_update().get(pk=round_.pk)
        _check_round_set_up_changeable(round_, acting_user)
        if criterion is None:
            last = round_.criteria.aggregate(last=Max("position"))["last"]
            criterion = Criterion(round=round_, position=0 if last is None else last + 1)
            before = None
        else:
            criterion = Criterion.objects.select_for_update().get(pk=criterion.pk, round=round_)
            before = {name: getattr(criterion, name) for name in fields}
            before["descriptions"] = dict(criterion.descriptors.values_list("score", "description"))
        for name, value in fields.items():
            setattr(criterion, name, value)
        if round_.criteria.exclude(pk=criterion.pk).filter(name__iexact=criterion.name).exists():
            raise ApplicationError(f"The round already has a criterion called {criterion.name}: give this one "
                                   "another name.")
        _check_valid(criterion)
        criterion.save()
        criterion.descriptors.exclude(score__in=descriptions).delete()
        for score, description in descriptions.items():
            ScoreDescriptor.objects.update_or_create(criterion=criterion, score=score,
                                                     defaults={"description": description})
        if before is None:
            audit_record(acting_user=acting_user, action=AuditAction.CRITERION_ADDED, target=round_,
                         data={"name": criterion.name})
        else:
            changes = changes_in_words(Criterion, before, fields)
            meant = before["descriptions"]
            changes += [[f"what a score of {score} means", meant.get(score, "not set"), descriptions.get(score, "not set")]
                        for score in sorted(set(meant) | set(descriptions)) if meant.get(score) != descriptions.get(score)]
            if changes:
                audit_record(acting_user=acting_user, action=AuditAction.CRITERION_CHANGED, target=round_,
                             data={"name": criterion.name, "changes": changes})
        round_scoring_rules_changed(round_=round_)
        return criterion


def criterion_remove(*, criterion: Criterion, acting_user: User) -> None:
    with transaction.atomic():
        round_ = Round.objects.select_for_update().get(pk=criterion.round_id)
        _check_round_set_up_changeable(round_, acting_user)
        criterion = Criterion.objects.get(pk=criterion.pk)
        criterion.delete()
        audit_record(acting_user=acting_user, action=AuditAction.CRITERION_REMOVED, target=round_,
                     data={"name": criterion.name})
        round_scoring_rules_changed(round_=round_)


def indicator_save(*, round_: Round, indicator: Indicator | None, fields: dict, acting_user: User) -> Indicator:
    """Adds an indicator to a draft round (last in order, with a code made from its name), or changes one."""
    with transaction.atomic():
        round_ = Round.objects.select_for_update().get(pk=round_.pk)
        _check_round_set_up_changeable(round_, acting_user)
        if indicator is None:
            last = round_.indicators.aggregate(last=Max("position"))["last"]
            indicator = Indicator(round=round_, position=0 if last is None else last + 1,
                                  code=_unused_code(fields["name"], "indicator", length=40,
                                                    taken=set(round_.indicators.values_list("code", flat=True))))
            before = None
        else:
            indicator = Indicator.objects.select_for_update().get(pk=indicator.pk, round=round_)
            before = {name: getattr(indicator, name) for name in fields}
        for name, value in fields.items():
            setattr(indicator, name, value)
        if round_.indicators.exclude(pk=indicator.pk).filter(name__iexact=indicator.name).exists():
            raise ApplicationError(f"The round already has an indicator called {indicator.name}: give this one "
                                   "another name.")
        _check_valid(indicator)
        indicator.save()
        if before is None:
            audit_record(acting_user=acting_user, action=AuditAction.INDICATOR_ADDED, target=round_,
                         data={"name": indicator.name})
        elif changes := changes_in_words(Indicator, before, fields):
            audit_record(acting_user=acting_user, action=AuditAction.INDICATOR_CHANGED, target=round_,
                         data={"name": indicator.name, "changes": changes})
        _round_indicators_changed(round_)
        return indicator


def _unused_code(name: str, fallback: str, *, taken: set, length: int = 25) -> str:
    """A name for addresses and forms made from words, unlike any `taken`, with room for a number after it."""
    base = slugify(name)[:length] or fallback
    code, number = base, 2
    while code in taken:
        code, number = f"{base}-{number}", number + 1
    return code


def indicator_remove(*, indicator: Indicator, acting_user: User) -> None:
    with transaction.atomic():
        round_ = Round.objects.select_for_update().get(pk=indicator.round_id)
        _check_round_set_up_changeable(round_, acting_user)
        indicator = Indicator.objects.get(pk=indicator.pk)
        indicator.delete()
        audit_record(acting_user=acting_user, action=AuditAction.INDICATOR_REMOVED, target=round_,
                     data={"name": indicator.name})
        _round_indicators_changed(round_)


def _round_indicators_changed(round_: Round) -> None:
    """A sent application's page, kept whole, names the round's indicators: the round's `updated_at` tells it to be
    made again (`selectors.sent_page_version`)."""
    Round.objects.filter(pk=round_.pk).update(updated_at=timezone.now())


def _check_valid(obj) -> None:
    """The rules a model and the database hold it to, as one refusal in plain words."""
    try:
        obj.full_clean()
    except ValidationError as invalid:
        raise ApplicationError(" ".join(invalid.messages)) from invalid


def _a_year_later(moment: datetime) -> datetime:
    try:
        return moment.replace(year=moment.year + 1)
    except ValueError:  # 29 February
        return moment.replace(year=moment.year + 1, day=28)


def round_copies_made(source: Round) -> int:
    """How many rounds have been copied from `source`: a copy form sends the number it saw, so that a second click
    makes no second copy."""
    return AuditEvent.objects.filter(action=AuditAction.ROUND_COPIED, data__source_id=source.pk).count()


def round_copy(*, source: Round, acting_user: User, copies_seen: int | None = None) -> Round:
    """Starts next year's round from this one: same rules, criteria (with what each score means), indicators and
    panel, a year later, as a draft."""
    with transaction.atomic():
        source = Round.objects.select_for_update().get(pk=source.pk)
        if copies_seen is not None and round_copies_made(source) != copies_seen:
            raise ApplicationError(f"{source} has been copied since the page was opened: find the copy in the list of "
                                   "rounds.")
        prefix = _next_prefix(source.reference_prefix)
        while Round.objects.filter(reference_prefix=prefix).exists():
            prefix = _next_prefix(prefix)
        # Everything but the status and the numbering, which start afresh as for any new round.
        rules = {
            field.attname: getattr(source, field.attname) for field in Round._meta.concrete_fields
            if not field.primary_key and field.name not in ("status", "last_reference_number")
        }
        name, copies = f"{source.name} (copy)", 1
        while Round.objects.filter(name__iexact=name).exists():
            copies += 1
            name = f"{source.name} (copy {copies})"
        copy = Round.objects.create(**{
            **rules, "name": name, "reference_prefix": prefix,
            "opens_at": _a_year_later(source.opens_at), "closes_at": _a_year_later(source.closes_at),
        })
        for criterion in source.criteria.prefetch_related("descriptors"):
            descriptors = list(criterion.descriptors.all())
            criterion.pk, criterion.round = None, copy
            criterion.save()
            for descriptor in descriptors:
                descriptor.pk, descriptor.criterion = None, criterion
            ScoreDescriptor.objects.bulk_create(descriptors)
        # Each copied indicator is part of the copy of its whole, never of the source round's indicator.
        copies, wholes = {}, {}
        for indicator in source.indicators.all():
            source_pk, wholes[indicator.pk] = indicator.pk, indicator.part_of_id
            indicator.pk, indicator.round, indicator.part_of = None, copy, None
            indicator.save()
            copies[source_pk] = indicator
        for source_pk, whole_pk in wholes.items():
            if whole_pk in copies:
                Indicator.objects.filter(pk=copies[source_pk].pk).update(part_of=copies[whole_pk])
        _copy_questions(source, copy)
        copy.assessors.set(source.assessors.all())
        audit_record(acting_user=acting_user, action=AuditAction.ROUND_COPIED, target=copy, to_state=copy.status,
                     data={"source": str(source), "source_id": source.pk})
        return copy


def _copy_questions(source: Round, copy: Round) -> None:
    """The source round's sections and questions, each conditional question depending on the copy of its question."""
    copies, conditions = {}, {}
    for section in source.sections.prefetch_related("questions"):
        questions = list(section.questions.all())
        section.pk, section.round = None, copy
        section.save()
        for question in questions:
            source_pk, conditions[question.pk] = question.pk, question.shown_if_id
            question.pk, question.section, question.shown_if = None, section, None
            question.save()
            copies[source_pk] = question
    for source_pk, condition_pk in conditions.items():
        if condition_pk is not None:
            Question.objects.filter(pk=copies[source_pk].pk).update(shown_if=copies[condition_pk])


# Functions that each return the money a round has already promised. Grants adds its own when Django starts (see
# grants.apps): applications cannot import grants, and the rule for what counts as promised lives there, once.
COMMITMENT_SOURCES: list = []


def round_committed(round_: Round) -> Decimal:
    return sum((source(round_) for source in COMMITMENT_SOURCES), Decimal(0))


# Functions that each work out again what depends on a round's scoring rules (criteria, weights, score scale,
# moderation threshold). Assessment adds its stored ranking figures when Django starts (see assessment.apps).
SCORING_RULES_FOLLOWERS: list = []


def round_scoring_rules_changed(*, round_: Round) -> None:
    """Called where a round's criteria or scoring settings are saved, in the same transaction."""
    for follower in SCORING_RULES_FOLLOWERS:
        follower(round_=round_)


# What a round's set-up pages may change once it has opened: organisations are applying by the rules it opened with.
CHANGEABLE_ONCE_OPEN = {"name", "summary"}


def round_create(*, fields: dict, acting_user: User) -> Round:
    """Starts a new round as a draft, with the usual rules until the programme manager sets its own."""
    with transaction.atomic():
        _check_may_set_up_rounds(acting_user)
        round_ = Round(**{"tranche_schedule": default_tranche_schedule(fields.get("quarters", 4)), **fields})
        # The usual award limits, within a smaller budget if it has one.
        round_.maximum_award = min(round_.maximum_award, round_.budget)
        round_.minimum_award = min(round_.minimum_award, round_.maximum_award)
        _check_valid(round_)
        round_.save()
        audit_record(acting_user=acting_user, action=AuditAction.ROUND_CREATED, target=round_, to_state=round_.status)
        return round_


# The round's settings that the stored scoring figures follow.
SCORING_RULES = {"score_scale_max", "moderation_threshold", "assessors_per_application", "tie_break"}


def round_update(*, round_: Round, fields: dict, acting_user: User) -> Round:
    """Changes a round's set-up, with what each value was and became in its history. A draft can change anything; a
    round that has opened only its name and summary (and its budget through `round_budget_change`, with a reason)."""
    with transaction.atomic():
        round_ = Round.objects.select_for_update().get(pk=round_.pk)
        _check_may_set_up_rounds(acting_user)
        before = {name: getattr(round_, name) for name in fields}
        changed = [name for name, value in fields.items() if value != before[name]]
        if not round_.is_being_set_up and set(changed) - CHANGEABLE_ONCE_OPEN:
            raise ApplicationError(f"{round_} is {round_.get_status_display().lower()}: only its name and summary "
                                   "can change now.")
        if not changed:
            return round_
        for name in changed:
            setattr(round_, name, fields[name])
        _check_valid(round_)
        round_.save(update_fields=[*changed, "updated_at"])
        audit_record(acting_user=acting_user, action=AuditAction.ROUND_SET_UP_CHANGED, target=round_, data={
            "changes": changes_in_words(Round, before, {name: fields[name] for name in changed}),
        })
        if set(changed) & SCORING_RULES:
            round_scoring_rules_changed(round_=round_)
        return round_



def _check_may_set_up_rounds(acting_user: User) -> None:
    if not is_programme_manager(acting_user):
        raise ApplicationError("Only a programme manager can set a round up.")


def round_budget_change(*, round_: Round, budget: Decimal, acting_user: User, reason: str) -> Round:
    """Changes a round's ringfenced budget, never below what it has already promised.

    The round's row is locked, as an offer locks it, so an offer made at the same moment cannot slip under the new
    budget unseen.
    """
    with transaction.atomic():
        round_ = Round.objects.select_for_update().get(pk=round_.pk)
        _check_may_change_round(acting_user, reason)
        if budget <= 0:
            raise ApplicationError("The budget must be more than £0.")
        if budget == round_.budget:
            raise ApplicationError(f"The budget is already £{budget:,.2f}.")
        committed = round_committed(round_)
        if budget < committed:
            raise ApplicationError(
                f"The budget cannot be less than the £{committed:,.2f} already promised in awards."
            )
        if budget < round_.maximum_award:
            raise ApplicationError(
                f"The budget cannot be less than the largest award (£{round_.maximum_award:,.2f}): lower that first."
            )
        previous = round_.budget
        round_.budget = budget
        round_.save(update_fields=["budget"])
        audit_record(acting_user=acting_user, action=AuditAction.BUDGET_CHANGED, target=round_,
                     from_state=f"{previous:.2f}", to_state=f"{budget:.2f}", reason=reason)
        return round_


# Functions that each say, in words for a programme manager, what stops a round moving on to a stage: each
# `check(round_, status)` returns a list of sentences, empty when its part of the work is done. The round's own set-up
# is checked here; assessment, grants and monitoring add theirs when Django starts (see each app's `ready()`).
ROUND_STAGE_CHECKS: list = []


def round_stage_blockers(round_: Round, status: str) -> list[str]:
    return [blocker for check in ROUND_STAGE_CHECKS for blocker in check(round_, status)]


def round_unready_to_open(round_: Round, status: str) -> list[str]:
    """A round opens only once every task of its set-up is done (`round_setup_tasks`)."""
    return round_setup_gaps(round_) if status == Round.Status.OPEN else []


ROUND_STAGE_CHECKS.append(round_unready_to_open)


class RoundNotReady(ApplicationError):
    def __init__(self, round_: Round, status: str, blockers: list[str]):
        self.blockers = blockers
        stage = Round.Status(status).label.lower()
        super().__init__(f"{round_} cannot move to {stage} yet. {' '.join(blockers)}")


def round_status_change(*, round_: Round, status: str, acting_user: User | None, reason: str) -> Round:
    """Moves a round on to its next stage once nothing stops it (`round_stage_blockers`); the lifecycle allows no
    skipping and no going back. `acting_user` is None only when the round closes by itself (`rounds_close_due`)."""
    with transaction.atomic():
        round_ = Round.objects.select_for_update().get(pk=round_.pk)
        if acting_user is not None:
            _check_may_change_round(acting_user, reason)
        if round_.can_transition_to(status) and (blockers := round_stage_blockers(round_, status)):
            raise RoundNotReady(round_, status, blockers)
        previous = round_.transition_to(status)
        round_.save(update_fields=["status"])
        audit_record(acting_user=acting_user, action=AuditAction.ROUND_STATUS_CHANGED, target=round_,
                     from_state=previous, to_state=round_.status, reason=reason)
        return round_


def round_closing_time(round_: Round) -> datetime:
    """When the round stops taking applications from everyone: its own deadline, or the latest one it gave an
    organisation as a reasonable adjustment."""
    latest = round_.extensions.aggregate(latest=Max("closes_at"))["latest"]
    return max(round_.closes_at, latest) if latest else round_.closes_at


def rounds_close_due(*, now: datetime | None = None) -> int:
    """Closes every open round whose closing time has passed (`round_closing_time`); returns how many. Safe to run
    as often as wanted: a round already closed, by hand or by an earlier run, is left alone."""
    now = now or timezone.now()
    closed = 0
    for round_ in Round.objects.filter(status=Round.Status.OPEN, closes_at__lte=now):
        if round_closing_time(round_) > now:
            continue
        try:
            round_status_change(round_=round_, status=Round.Status.CLOSED, acting_user=None,
                                reason="Its closing time passed.")
        except InvalidTransition:
            continue
        closed += 1
    return closed


def _check_may_change_round(acting_user: User, reason: str) -> None:
    if not is_programme_manager(acting_user):
        raise ApplicationError("Only a programme manager can change a round's budget or status.")
    if not reason.strip():
        raise ApplicationError("Give a reason for the change.")
