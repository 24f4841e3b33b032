"""Factories for every model the tests need, with valid defaults."""

import hashlib
from datetime import timedelta
from decimal import Decimal

import factory
from django.core.files.base import ContentFile
from django.utils import timezone

from accounts.models import Role, RoleGrant, User
from applications.models import Answer, ApplicationSection, Membership, Organisation, Question, Round, Section
from applications.questions import STANDARD_QUESTIONS, STANDARD_SECTION
from applications.sections import application_steps
from core.generations import THREADS, generation_move_on

TEST_PASSWORD = "correct-horse-battery-staple"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@example.org")
    full_name = factory.Faker("name", locale="en_GB")
    role = Role.APPLICANT
    password = factory.PostGenerationMethodCall("set_password", TEST_PASSWORD)

    @factory.post_generation
    def save_password(obj, create, extracted, **kwargs):
        if create:
            obj.save()

    @factory.post_generation
    def role_grant(obj, create, extracted, **kwargs):
        """Everyone made here has held their role since they joined, as the accounts migration records for
        existing people."""
        if create:
            RoleGrant.objects.create(user=obj, role=obj.role, granted_at=obj.date_joined)


class AuthenticatorFactory(factory.django.DjangoModelFactory):
    """A staff member's confirmed authenticator app: one per person, so asking again returns the same one."""

    class Meta:
        model = "otp_totp.TOTPDevice"
        django_get_or_create = ("user", "name")

    user = factory.SubFactory(UserFactory, role=Role.ASSESSOR)
    name = "Authenticator app"
    confirmed = True


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation

    name = factory.Sequence(lambda n: f"Disabled People's Group {n}")


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    organisation = factory.SubFactory(OrganisationFactory)
    user = factory.SubFactory(UserFactory)
    role = Membership.Role.OWNER

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        generation_move_on(THREADS)  # as joining through an invitation does: the person has new threads
        return super()._create(model_class, *args, **kwargs)


class RoundFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Round
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"Hate Crime Victim Support Round {n}")
    reference_prefix = factory.Sequence(lambda n: f"R{n:03d}")
    summary = "Small grants for groups led by Disabled people that support Disabled victims of hate crime."
    status = Round.Status.OPEN
    opens_at = factory.LazyFunction(lambda: timezone.now() - timedelta(days=7))
    closes_at = factory.LazyFunction(lambda: timezone.now() + timedelta(days=30))
    budget = Decimal("100000.00")
    minimum_award = Decimal("1000.00")
    maximum_award = Decimal("10000.00")

    @factory.post_generation
    def questions(obj, create, extracted, **kwargs):
        """The standard "Your project" section and questions, unless `questions=False`."""
        if create and extracted is not False:
            standard_questions(obj)


def answers_given(application, **values) -> None:
    """Answers to the application's round's questions, by question code, as the wizard keeps them."""
    questions = {question.code: question for question in Question.objects.filter(section__round=application.round_id)}
    Answer.objects.bulk_create(
        Answer(application=application, question=questions[code], label=questions[code].label, value=value)
        for code, value in values.items()
    )


def standard_questions(round_) -> None:
    section = Section.objects.create(round=round_, **STANDARD_SECTION)
    Question.objects.bulk_create(
        Question(section=section, position=position, **spec) for position, spec in enumerate(STANDARD_QUESTIONS)
    )


# A tiny but real PDF, and the first bytes of real media files: enough for the content checks to recognise them.
PDF_BYTES = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG_BYTES = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
MP3_BYTES = b"ID3\x03\x00\x00\x00\x00\x00\x00" + b"\x00" * 64
MP4_BYTES = b"\x00\x00\x00\x18ftypmp42\x00\x00\x00\x00mp42isom" + b"\x00" * 64


class CriterionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "applications.Criterion"

    round = factory.SubFactory(RoundFactory)
    name = factory.Sequence(lambda n: f"Criterion {n}")
    weight = Decimal("25.00")
    position = factory.Sequence(lambda n: n)


class IndicatorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "applications.Indicator"

    round = factory.SubFactory(RoundFactory)
    code = factory.Sequence(lambda n: f"indicator-{n}")
    name = factory.Sequence(lambda n: f"Disabled victims supported {n}")
    has_target = True
    position = factory.Sequence(lambda n: n)


PASSING_ANSWERS = {
    "board_size": 8,
    "disabled_board_members": 7,
    "leader_is_disabled": True,
    "boroughs": ["E09000030"],
    "annual_income": "85000.00",
    "has_safeguarding_policy": True,
    "has_governing_document": True,
}


class EligibilityCheckFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "applications.EligibilityCheck"

    round = factory.SubFactory(RoundFactory)
    organisation = factory.SubFactory(OrganisationFactory)
    answers = factory.LazyFunction(lambda: dict(PASSING_ANSWERS))
    failures = factory.LazyFunction(list)


class ApplicationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "applications.Application"
        skip_postgeneration_save = True

    round = factory.SubFactory(RoundFactory)
    organisation = factory.SubFactory(OrganisationFactory)
    eligibility_check = factory.SubFactory(
        EligibilityCheckFactory, round=factory.SelfAttribute("..round"), organisation=factory.SelfAttribute("..organisation")
    )
    title = factory.Sequence(lambda n: f"Hate crime reporting project {n}")

    @factory.post_generation
    def complete(obj, create, extracted, **kwargs):
        """`complete=True`: every section complete, as sending needs."""
        if create and extracted:
            sections_complete(obj)


class ApplicationDocumentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "applications.ApplicationDocument"

    application = factory.SubFactory(ApplicationFactory)
    kind = "governing_document"
    file = factory.django.FileField(filename="constitution.pdf", data=PDF_BYTES)
    original_name = "constitution.pdf"
    content_type = "application/pdf"
    size = len(PDF_BYTES)


def sections_complete(application) -> None:
    """Every section completed, with each document the round requires as a real file: what sending needs."""
    ApplicationSection.objects.bulk_create(
        ApplicationSection(application=application, step=step, completed_at=timezone.now())
        for step in application_steps(application.round)
    )
    for kind in application.round.required_documents:
        ApplicationDocumentFactory(application=application, kind=kind)


class MediaAnswerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "applications.MediaAnswer"

    application = factory.SubFactory(ApplicationFactory)
    question = "need"
    file = factory.django.FileField(filename="need.mp3", data=MP3_BYTES)
    original_name = "need.mp3"
    content_type = "audio/mpeg"
    size = len(MP3_BYTES)


class FileAnswerFactory(factory.django.DjangoModelFactory):
    """The file answering a file question, which the caller names."""

    class Meta:
        model = "applications.FileAnswer"

    application = factory.SubFactory(ApplicationFactory)
    file = factory.django.FileField(filename="evidence.pdf", data=PDF_BYTES)
    original_name = "evidence.pdf"
    content_type = "application/pdf"
    size = len(PDF_BYTES)


class AdjustmentRequestFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "applications.AdjustmentRequest"

    application = factory.SubFactory(ApplicationFactory)
    kind = "extra_time"
    details = "Our coordinator is in hospital this month."


class InvitationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "applications.Invitation"

    organisation = factory.SubFactory(OrganisationFactory)
    email = factory.Sequence(lambda n: f"colleague{n}@example.org")


class ScoreDescriptorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "applications.ScoreDescriptor"

    criterion = factory.SubFactory(CriterionFactory)
    score = 0
    description = factory.LazyAttribute(lambda descriptor: f"Meaning of {descriptor.score}")


def described_criteria(round_, weights=(60, 40)) -> list:
    """Criteria for a round, weights adding up to 100, each point of the scale described."""
    criteria = []
    for position, weight in enumerate(weights):
        criterion = CriterionFactory(round=round_, name=f"Criterion {position + 1}", weight=Decimal(weight),
                                     position=position)
        for score in range(round_.score_scale_max + 1):
            ScoreDescriptorFactory(criterion=criterion, score=score)
        criteria.append(criterion)
    return criteria


def set_up_to_open(round_):
    """Gives a draft round all a round needs before it opens: described criteria weighing 100%, an indicator and a
    panel big enough for each application's assessors."""
    described_criteria(round_)
    IndicatorFactory(round=round_)
    round_.assessors.add(*(UserFactory(role="assessor") for _ in range(round_.assessors_per_application)))
    return round_


class AwardFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "grants.Award"
        skip_postgeneration_save = True

    application = factory.SubFactory(ApplicationFactory, status="awarded", reference=factory.Sequence(lambda n: f"AW-{n:04d}"),
                                     amount_requested=Decimal("5000.00"))
    round = factory.SelfAttribute("application.round")
    status = "offered"
    amount = Decimal("5000.00")
    # A grant taken on was accepted at what it is: a test of a variation changes `amount` after.
    accepted_amount = factory.LazyAttribute(
        lambda award: award.amount if award.status in ("accepted", "active", "suspended", "completed") else None
    )
    completed_on = factory.LazyAttribute(lambda award: timezone.localdate() if award.status == "completed" else None)
    offered_at = factory.LazyFunction(timezone.now)

    class Params:
        # An award's offer letter is issued unless a test says otherwise: until it is, nobody can accept the offer,
        # it has no deadline and the applicant still sees their application as being decided.
        letter_issued = True

    accept_by = factory.Maybe(
        "letter_issued", yes_declaration=factory.LazyFunction(lambda: timezone.now() + timedelta(days=28)),
        no_declaration=None,
    )

    @factory.post_generation
    def offer_letter(award, create, extracted, **kwargs):
        if create and award.accept_by is not None:
            LetterFactory(application=award.application, kind="offer")
            award.application.decision_sent = "awarded"
            award.application.save(update_fields=["decision_sent"])


class LetterFactory(factory.django.DjangoModelFactory):
    """An issued letter with a stand-in PDF. A test of what the letter says issues it through `letter_issue`."""

    class Meta:
        model = "grants.Letter"

    application = factory.SubFactory(ApplicationFactory, status="not_funded", reference=factory.Sequence(lambda n: f"LT-{n:04d}"))
    kind = "not_funded"
    version = 1
    file = factory.LazyAttribute(lambda letter: ContentFile(PDF_BYTES, name=f"{letter.kind}.pdf"))
    checksum = hashlib.sha256(PDF_BYTES).hexdigest()


def letter_issued(application):
    """Issues the decision letter through the real service, as the batch's task does: an offer can then be answered."""
    from grants.services import letter_issue

    return letter_issue(application=application, acting_user=None, site_url="https://grants.example.org")


def award_started_months_ago(award, months: int = 3):
    """Moves an accepted grant back in time, as if it had started `months` ago: the returns of the quarters ended
    since then can be sent (quarter 1 from today, when `months` is 3)."""
    from dateutil.relativedelta import relativedelta

    from monitoring.demo import grant_moved_back

    award.refresh_from_db()
    grant_moved_back(award, relativedelta(months=months))
    return award


def every_figure(award, given: dict, default: int = 0) -> dict:
    """A figure for every indicator of the award's round (indicator id: figure), from `given` by code, else
    `default`; one given as a number for an indicator given in parts is all in its first part (and is how many a
    survey asked)."""
    from monitoring.figures import SplitFigure, indicator_parts

    boroughs = list(award.application.boroughs.all())
    figures = {}
    for indicator in award.round.indicators.all():
        figure = given.get(indicator.code, default)
        if indicator.is_split and not isinstance(figure, SplitFigure):
            parts = indicator_parts(indicator, boroughs)
            figure = SplitFigure({part.key: figure if number == 0 else 0 for number, part in enumerate(parts)},
                                 asked=figure if indicator.is_survey else None)
        figures[indicator.pk] = figure
    return figures


class BudgetLineFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "applications.BudgetLine"

    application = factory.SubFactory(ApplicationFactory)
    category = "staff"
    description = factory.Sequence(lambda n: f"Caseworker {n}")
    amount = Decimal("1000.00")
    position = factory.Sequence(lambda n: n)


class OutcomeTargetFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "applications.OutcomeTarget"

    application = factory.SubFactory(ApplicationFactory)
    indicator = factory.SubFactory(IndicatorFactory, round=factory.SelfAttribute("..application.round"))
    quarter = 1
    target = 10


def grant_under_way(*, amount: str = "8000.00", lines=(("staff", "Caseworker", "5000.00"), ("venue", "Room hire",
                    "2000.00"), ("access", "BSL interpreters", "1000.00")), **award_fields):
    """An accepted grant (paid 50% on acceptance, 25% after the quarter 2 and quarter 4 returns) with budget lines
    and a target for each of its quarters, as a variation finds it."""
    from grants.services import award_accept

    award = AwardFactory(amount=Decimal(amount), application__amount_requested=Decimal(amount), **award_fields)
    for position, (category, description, line_amount) in enumerate(lines):
        BudgetLineFactory(application=award.application, category=category, description=description,
                          amount=Decimal(line_amount), position=position)
    indicator = IndicatorFactory(round=award.round, name="Disabled victims supported")
    for quarter in range(1, award.round.quarters + 1):
        OutcomeTargetFactory(application=award.application, indicator=indicator, quarter=quarter, target=10)
    member = award.application.organisation.memberships.first()
    if member is None:
        member = MembershipFactory(organisation=award.application.organisation, user__role="applicant")
    return award_accept(award=award, name="Amara Okafor", role="Chair", acting_user=member.user)


class MessageFactory(factory.django.DjangoModelFactory):
    """A message in a thread: from the funder's staff unless told otherwise."""

    class Meta:
        model = "conversations.Message"

    application = factory.SubFactory(ApplicationFactory, status="submitted", reference=factory.Sequence(
        lambda n: f"MS-{n:04d}"))
    from_staff = True
    author = factory.SubFactory(UserFactory, role=Role.PROGRAMME_MANAGER)
    author_name = factory.SelfAttribute("author.full_name")
    body = "Thank you for your application. Could you tell us more about your volunteers?"

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        generation_move_on(THREADS)  # as sending one does: someone has a message to read
        return super()._create(model_class, *args, **kwargs)


class MessageFileFactory(factory.django.DjangoModelFactory):
    """A document attached to a message."""

    class Meta:
        model = "conversations.MessageFile"

    message = factory.SubFactory(MessageFactory)
    kind = "attachment"
    file = factory.django.FileField(filename="budget.pdf", data=PDF_BYTES)
    original_name = "budget.pdf"
    content_type = "application/pdf"
    size = len(PDF_BYTES)
