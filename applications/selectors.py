"""Reads of rounds, organisations and applications, shaped for the pages that show them."""

from dataclasses import dataclass
from datetime import datetime

from django.db.models import F, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.shortcuts import get_object_or_404
from django.utils import timezone

from accounts.models import Role, User
from applications.models import (
    AdjustmentRequest,
    Answer,
    Application,
    ApplicationSection,
    DeadlineExtension,
    EligibilityCheck,
    FileAnswer,
    InformationRequest,
    Invitation,
    MediaAnswer,
    Membership,
    Organisation,
    OutcomeTarget,
    Question,
    Round,
    Section,
)
from applications.permissions import membership_role_known


@dataclass(frozen=True)
class ApplicantStatus:
    """The status an applicant is shown: `key` chooses the tag's colour, `label` is the word."""

    key: str
    label: str


BEING_DECIDED = ApplicantStatus(Application.Status.SCORED, "Being decided")


def applicant_status(application: Application) -> ApplicantStatus:
    """The one status word an organisation sees for its application, on every page and in every email.

    Staff see the decision as soon as it is confirmed; the organisation learns it from its letter, so until a letter
    is issued an application that is scored or decided is "Being decided", and afterwards it shows the decision that
    the latest letter gave (`decision_sent`): an application offered money after a "not funded" letter stays
    "Not funded" until its offer letter is issued.
    """
    Status = Application.Status
    if application.status in (Status.SCORED, Status.AWARDED, Status.NOT_FUNDED):
        if not application.decision_sent:
            return BEING_DECIDED
        sent = Status(application.decision_sent)
        return ApplicantStatus(sent, sent.label)
    return ApplicantStatus(application.status, application.get_status_display())


def _open_at(moment: datetime) -> Q:
    """`round_open_for` without an organisation, as a query."""
    return Q(status=Round.Status.OPEN, opens_at__lte=moment, closes_at__gt=moment)


def round_current() -> Round | None:
    """The round applicants should hear about: the open one, else the next to open, else the latest."""
    now = timezone.now()
    published = Round.objects.exclude(status=Round.Status.DRAFT)
    return (
        published.filter(_open_at(now)).order_by("closes_at").first()
        or published.filter(opens_at__gt=now).order_by("opens_at").first()
        or published.order_by("-closes_at").first()
    )


def rounds_open() -> QuerySet[Round]:
    now = timezone.now()
    return Round.objects.filter(_open_at(now)).order_by("closes_at")


def organisations_of(user) -> QuerySet[Organisation]:
    if not user.is_authenticated:
        return Organisation.objects.none()
    return Organisation.objects.filter(memberships__user=user)


def organisation_for_member_or_404(user, pk: int) -> Organisation:
    return get_object_or_404(organisations_of(user), pk=pk)


def membership_of(user, organisation: Organisation) -> Membership | None:
    return Membership.objects.filter(user=user, organisation=organisation).first()


def organisation_members(organisation: Organisation) -> QuerySet[Membership]:
    return organisation.memberships.select_related("user").order_by("user__full_name")


def invitations_pending(organisation: Organisation) -> QuerySet[Invitation]:
    return organisation.invitations.filter(accepted_at__isnull=True, expires_at__gt=timezone.now())


def applications_of(user) -> QuerySet[Application]:
    return (
        Application.objects.filter(organisation__memberships__user=user)
        .select_related("round", "organisation")
        .order_by("-created_at")
    )


def _member_application_or_404(user, pk: int, applications: QuerySet[Application]) -> Application:
    """Another organisation's application is not found, never forbidden: its existence is not revealed. The person's
    role in the organisation comes with it, so that the page's questions of it (may they withdraw, transcribe) need
    not read it again."""
    application = get_object_or_404(
        applications.filter(organisation__memberships__user=user).annotate(member_role=F("organisation__memberships__role")),
        pk=pk,
    )
    membership_role_known(user, application.organisation, application.member_role)
    return application


def application_for_member_or_404(user, pk: int) -> Application:
    return _member_application_or_404(user, pk, Application.objects.select_related("round", "organisation", "submitted_by"))


# What a sent application's page reads of it and its organisation when the page is kept (sent_page_version): the
# rest, the answers and the organisation's details, is read only when the page is made again.
PAGE_COLUMNS = (
    "round_id", "organisation_id", "status", "reference", "submitted_at", "updated_at", "decision_sent",
    "organisation__name", "organisation__updated_at",
)


def application_page_for_member_or_404(user, pk: int) -> Application:
    """The same for the application's own page, which organisations open most. A sent one's page is kept whole
    (sent_page_version), so only what decides whether it changed is read: of the round, when it last changed
    (`round_updated_at`), of the sender, their name (`sender_name`). A draft's task list reads the whole application,
    as it asks of every answer."""
    application = _member_application_or_404(
        user, pk,
        Application.objects.select_related("organisation").only(*PAGE_COLUMNS).annotate(
            round_updated_at=F("round__updated_at"), sender_name=F("submitted_by__full_name"),
        ),
    )
    if application.is_editable:
        return application_for_member_or_404(user, pk)
    return application


def application_for_review(pk: int) -> Application:
    """For the funder's staff: a draft is the applicant's own work in progress, so it is not found until sent."""
    return get_object_or_404(
        Application.objects.exclude(status=Application.Status.DRAFT).select_related("round", "organisation", "eligibility_check"),
        pk=pk,
    )


def round_sections(round_: Round) -> list[Section]:
    """The round's own sections in order, each with its questions in order as `asked` (with the question each depends
    on). Read once for a round object, so a page asks the same two queries however many questions the round has."""
    if not hasattr(round_, "sections_asked"):
        round_.sections_asked = list(Section.objects.filter(round=round_).prefetch_related(
            Prefetch("questions", queryset=Question.objects.select_related("shown_if"), to_attr="asked")
        ))
    return round_.sections_asked


def round_questions(round_: Round) -> list[Question]:
    return [question for section in round_sections(round_) for question in section.asked]


def open_information_request(application: Application):
    """The request for more information waiting for the organisation's answer, with its sections, or None."""
    return (application.information_requests.filter(answered_at__isnull=True)
            .prefetch_related("sections").select_related("requested_by").first())


def _uploads_being_changed(model, application: Application, request: InformationRequest | None) -> QuerySet:
    """The application's files or recordings (`model`) as its team sees them while changing it: any held for their
    request for more information come after the ones sent, which they replace."""
    held = Q(held_for__isnull=True) | Q(held_for=request) if request else Q(held_for__isnull=True)
    return model.with_held.filter(held, application=application).order_by(F("held_for").asc(nulls_first=True))


def recordings_being_changed(application: Application, request: InformationRequest | None) -> set[str]:
    """The codes of the questions answered by a recording, as the team changing the application sees them."""
    return set(_uploads_being_changed(MediaAnswer, application, request).values_list("question", flat=True))


def files_being_changed(application: Application, request: InformationRequest | None) -> dict[str, str]:
    """{question code: the name of its file}, as the team changing the application sees them."""
    return dict(_uploads_being_changed(FileAnswer, application, request).values_list("question__code", "original_name"))


def application_sections(application: Application) -> dict[str, ApplicationSection]:
    return {section.step: section for section in application.sections.select_related("saved_by")}


def _answer_rows() -> tuple:
    return (
        "boroughs",
        "budget_lines",
        "documents",
        "media_answers",
        Prefetch("answers", queryset=Answer.objects.only("application_id", "question_id", "label", "value")),
        Prefetch("information_requests", queryset=InformationRequest.objects.filter(answered_at__isnull=False)),
        Prefetch("targets", queryset=OutcomeTarget.objects.select_related("indicator")),
    )


def application_with_answers(application: Application) -> Application:
    """The application with everything a summary, a PDF or an assessor needs, in a fixed number of queries."""
    return (
        Application.objects.select_related("round", "organisation", "submitted_by")
        .prefetch_related(*_answer_rows())
        .get(pk=application.pk)
    )


def sent_page_version(application: Application, **permissions: bool) -> str:
    """Everything a sent application's page shows depends on, for keeping the page whole between visits: the
    application's stage and letters (its `updated_at` moves with any change, a recording's transcript included), the
    organisation's details, the round's indicators, the sender's name, and what the reader may do with it
    (`permissions`, such as withdrawing or transcribing). Reads only what `application_page_for_member_or_404` has."""
    return ":".join(str(part) for part in (
        application.updated_at.timestamp(), application.status, application.decision_sent,
        application.organisation.updated_at.timestamp(), application.round_updated_at.timestamp(),
        application.sender_name, *sorted(permissions.items()),
    ))


def deadline_for(round_: Round, organisation: Organisation) -> datetime:
    extension = DeadlineExtension.objects.filter(round=round_, organisation=organisation).first()
    return extension.closes_at if extension else round_.closes_at


def round_open_for(round_: Round, organisation: Organisation | None = None, moment: datetime | None = None, *,
                   deadline: datetime | None = None) -> bool:
    """The deadline rule: a round takes applications from when it opens until its deadline, or until the later one a
    programme manager gave this organisation as a reasonable adjustment. Without an organisation, the round's own.
    A page that has already read the organisation's `deadline_for` passes it, rather than reading it again."""
    moment = moment or timezone.now()
    if deadline is None:
        deadline = round_.closes_at if organisation is None else deadline_for(round_, organisation)
    return round_.is_open_at(moment) and moment < deadline


def live_application(round_: Round, organisation: Organisation) -> Application | None:
    return (
        Application.objects.filter(round=round_, organisation=organisation)
        .exclude(status=Application.Status.WITHDRAWN)
        .first()
    )


def rounds_newest_first() -> QuerySet[Round]:
    return Round.objects.order_by("-opens_at", "-pk")


def round_applications(round_: Round, *, status: str = "") -> QuerySet[Application]:
    applications = round_.applications.exclude(status=Application.Status.DRAFT)
    if status:
        applications = applications.filter(status=status)
    waiting = InformationRequest.objects.filter(application=OuterRef("pk"), answered_at__isnull=True)
    return (applications.without_answers().select_related("organisation")
            .annotate(information_due=Subquery(waiting.values("respond_by")[:1]))
            .order_by("reference", "created_at", "pk"))


def round_extensions(round_: Round) -> QuerySet[DeadlineExtension]:
    return round_.extensions.select_related("organisation", "granted_by")


def adjustments_waiting(round_: Round) -> QuerySet[AdjustmentRequest]:
    return AdjustmentRequest.objects.filter(application__round=round_).select_related(
        "application__organisation", "requested_by"
    )


def alternative_format_agreed(application: Application) -> bool:
    return application.adjustments.filter(
        kind=AdjustmentRequest.Kind.ALTERNATIVE_FORMAT, status=AdjustmentRequest.Status.AGREED
    ).exists()


def latest_eligibility_checks(organisations, rounds) -> dict[tuple[int, int], EligibilityCheck]:
    """Each organisation's latest eligibility check for each round, keyed (organisation id, round id)."""
    latest = {}
    checks = EligibilityCheck.objects.filter(organisation__in=organisations, round__in=rounds)
    for check in checks.order_by("checked_at", "id"):
        latest[(check.organisation_id, check.round_id)] = check
    return latest


def panel_of(round_: Round) -> QuerySet[User]:
    """Who may be given the round's applications: the assessors on its panel whose accounts are in use."""
    return round_.assessors.filter(is_active=True, role=Role.ASSESSOR)
