"""The demo round, with criteria and indicators, and two demo organisations so each applicant has someone to act for."""

import io
import wave
from datetime import timedelta
from decimal import Decimal

from django.core.files.base import ContentFile
from django.utils import timezone
from reportlab.platypus import Paragraph

from accounts.demo import DEMO_PASSWORD, DEMO_RESERVE_ASSESSOR
from accounts.models import Role, User
from applications.models import (
    Answer,
    Application,
    Borough,
    BudgetLine,
    Criterion,
    DocumentKind,
    EligibilityCheck,
    Membership,
    Organisation,
    Round,
    ScoreDescriptor,
)
from applications.sections import application_steps
from applications.selectors import round_sections
from applications.services import (
    application_save_section,
    application_store_media_answers,
    application_submit,
    information_request,
    information_send,
    media_answer_transcribe,
    round_add_standard_indicators,
    round_add_standard_questions,
    round_copy,
    round_update,
)
from core.pdf import render_pdf, styles

DEMO_ROUND_NAME = "Disability Hate Crime Victim Support Small Grants"
NEXT_ROUND_NAME = "Disability Hate Crime Victim Support Small Grants, next year"
DEMO_CRITERIA = [
    ("Need and evidence", "Is the need for support clear, local and backed by evidence?", "20"),
    ("Led by Disabled people", "Do Disabled people lead the work and shape it from lived experience?", "20"),
    ("Quality of support for victims", "Is the support safe, practical and trauma-informed?", "25"),
    ("Partnership", "Will the group work well with CATCH partners, the police and local services?", "15"),
    ("Reach and inclusion", "Will the project reach Disabled people who are least likely to report?", "10"),
    ("Value for money", "Are the costs realistic and is the budget clear?", "10"),
]
DESCRIPTORS = [
    "No evidence: the application does not address this",
    "Weak: little evidence and major gaps",
    "Limited: some evidence but significant gaps",
    "Adequate: meets the criterion with minor gaps",
    "Good: clear evidence and a sound plan",
    "Excellent: compelling evidence, led by lived experience",
]
# Applications already sent by other groups, so the assessment pages have something to show. Each was sent by the
# person named, a member of the group (as anyone who sends an application must be).
DEMO_SENT = [
    ("Hackney Disabled People's Network", "E09000012", "Hate crime advocacy in Hackney", "8000.00",
     ("Kwame Mensah", "kwame.mensah@example.org")),
    ("Southwark Deaf Community Group", "E09000028", "BSL hate crime reporting centre", "6500.00",
     ("Siobhan Doyle", "siobhan.doyle@example.org")),
    ("Barnet Access Forum", "E09000003", "Safe reporting for learning disabled people", "12000.00",
     ("Yusuf Demir", "yusuf.demir@example.org")),
]
# Where each demo group is, in its own borough, as its letters and the 360Giving file show.
DEMO_ADDRESSES = {
    "Tower Hamlets Deaf and Disabled People's Forum": ("12 Whitechapel Road", "E1 6AN"),
    "Hackney Disabled People's Network": ("24 Mare Street", "E8 1HE"),
    "Southwark Deaf Community Group": ("160 Tooley Street", "SE1 2QH"),
    "Barnet Access Forum": ("2 Bristol Avenue", "NW9 4EW"),
    "Lambeth Disabled Survivors Network": ("18 Brixton Hill", "SW2 1RL"),
    "Ealing Deaf Hate Crime Project": ("14 Uxbridge Road", "W5 2HL"),
}


def demo_address(name: str) -> dict[str, str]:
    address_line_1, postcode = DEMO_ADDRESSES[name]
    return {"address_line_1": address_line_1, "postcode": postcode}


DEMO_ORGANISATIONS = [
    (
        {"name": "Tower Hamlets Deaf and Disabled People's Forum", "legal_form": "cio", "charity_number": "1187654",
         "postcode": "E1 6AN", "address_line_1": "12 Whitechapel Road", "contact_name": "Amara Okafor",
         "contact_email": "applicant@example.org", "contact_phone": "02079460000"},
        ["E09000030", "E09000012"],
        [("applicant@example.org", "owner"), ("colleague@example.org", "editor")],
    ),
    (
        {"name": "Croydon Disability Action", "legal_form": "clg", "company_number": "07654321",
         "postcode": "CR0 1NX", "address_line_1": "3 Katharine Street", "contact_name": "Chloe Patel",
         "contact_email": "other.applicant@example.org", "contact_phone": "02086860000"},
        ["E09000008"],
        [("other.applicant@example.org", "owner")],
    ),
]


def seed(stdout) -> None:
    now = timezone.now()
    manager = User.objects.filter(email="manager@example.org").first()
    round_, created = Round.objects.get_or_create(
        reference_prefix="DHC27",
        defaults={
            "name": DEMO_ROUND_NAME,
            "summary": (
                "Small grants for Deaf and Disabled People's Organisations in London to support Disabled victims of "
                "hate crime, help them report it, and raise awareness of hate crime in Disabled communities."
            ),
            "status": Round.Status.OPEN,
            "opens_at": now - timedelta(days=7),
            "closes_at": (now + timedelta(days=60)).replace(hour=12, minute=0, second=0, microsecond=0),
            "budget": Decimal("150000.00"),
            "minimum_award": Decimal("2000.00"),
            "maximum_award": Decimal("15000.00"),
        },
    )
    if created:
        for position, (name, guidance, weight) in enumerate(DEMO_CRITERIA):
            criterion = Criterion.objects.create(
                round=round_, name=name, guidance=guidance, weight=Decimal(weight), position=position
            )
            ScoreDescriptor.objects.bulk_create(
                ScoreDescriptor(criterion=criterion, score=score, description=description)
                for score, description in enumerate(DESCRIPTORS)
            )
        round_add_standard_questions(round_=round_, acting_user=manager)
        round_add_standard_indicators(round_=round_, acting_user=manager)
        round_.assessors.set(User.objects.filter(role=Role.ASSESSOR).exclude(email=DEMO_RESERVE_ASSESSOR))
        _sent_applications(round_, manager)
        # Next year's round, copied from this one, is being set up: a draft organisations cannot see yet.
        next_year = round_copy(source=round_, acting_user=manager)
        round_update(round_=next_year, fields={"name": NEXT_ROUND_NAME}, acting_user=manager)
    for fields, borough_codes, members in DEMO_ORGANISATIONS:
        organisation, created = Organisation.objects.get_or_create(name=fields["name"], defaults=fields)
        if created:
            organisation.boroughs.set(Borough.objects.filter(gss_code__in=borough_codes))
        for email, role in members:
            Membership.objects.get_or_create(
                organisation=organisation, user=User.objects.get(email=email), defaults={"role": role}
            )
    stdout.write(f"Demo round: {DEMO_ROUND_NAME}, with {len(DEMO_SENT)} applications already sent by other groups; "
                 f"{NEXT_ROUND_NAME} is a draft being set up")


def _sent_applications(round_: Round, manager: User) -> None:
    """Three applications sent by their groups' members through the same services people use, so the trail is real;
    assessment screens them."""
    for name, borough, title, amount, (full_name, email) in DEMO_SENT:
        organisation = Organisation.objects.create(
            name=name, legal_form="cio", charity_number="1100000", **demo_address(name), contact_name=full_name,
            contact_email=email, contact_phone="02079460000",
        )
        member = demo_member(organisation, full_name, email)
        application = Application.objects.create(
            round=round_, organisation=organisation, eligibility_check=eligibility_passed(round_, organisation, [borough]),
            amount_requested=Decimal(amount),
        )
        application.boroughs.set([borough])
        sections_complete(application=application, acting_user=member, targets={}, budget_lines=budget(Decimal(amount)),
                          project=project_answers(title, Borough.objects.get(gss_code=borough).name))
        if name == DEMO_RECORDED:
            _recorded_answer(application, member)
        application_submit(application=application, acting_user=member, site_url="")
        if name == DEMO_RECORDED:
            media_answer_transcribe(answer=application.media_answers.get(), transcript=DEMO_TRANSCRIPT, acting_user=manager)
        if name == DEMO_ASKED_FOR_MORE:
            _more_information(application, manager, member)


# The Deaf-led group answers "the need" in a recording; the programme manager writes its transcript once it is sent.
DEMO_RECORDED = "Southwark Deaf Community Group"
DEMO_TRANSCRIPT = (
    "Deaf people in Southwark tell us the police do not book interpreters, so they give up on reporting. "
    "Last year our members told us about 40 incidents and only 6 were reported."
)


# The programme manager asked the Barnet group how it will reach people, and the group answered in time.
DEMO_ASKED_FOR_MORE = "Barnet Access Forum"
DEMO_QUESTION = "How many people with learning disabilities do you reach now, and how will they hear about the service?"
DEMO_REACH = (
    "We run 6 self-advocacy groups with 70 members with learning disabilities. Members will hear about the service "
    "at those groups, in Easy Read leaflets at day centres, and from the two police officers who visit each term."
)


def _more_information(application: Application, manager: User, member: User) -> None:
    section = round_sections(application.round)[0]
    information_request(application=application, sections=[section], message=DEMO_QUESTION, acting_user=manager,
                        respond_by=timezone.now() + timedelta(days=14))
    answers = {question: value for question, value in (
        (question, Answer.objects.get(application=application, question=question).value) for question in section.asked
    )}
    beneficiaries = next(question for question in answers if question.code == "beneficiaries")
    answers[beneficiaries] = f"{answers[beneficiaries]} {DEMO_REACH}"
    application_save_section(application=application, step=section.slug, data={}, acting_user=member, completed=True,
                             answers={"section": section, "answers": answers})
    information_send(application=application, acting_user=member)


def _recorded_answer(application: Application, acting_user: User) -> None:
    """A few seconds of silence as a WAV file: a real recording the page's player can play, made without tools."""
    out = io.BytesIO()
    with wave.open(out, "wb") as recording:
        recording.setnchannels(1)
        recording.setsampwidth(2)
        recording.setframerate(8000)
        recording.writeframes(b"\x00\x00" * 8000 * 3)
    application_store_media_answers(
        application=application, acting_user=acting_user,
        uploads={"need": (ContentFile(out.getvalue(), name="our-need.wav"), "audio/x-wav")},
    )


def demo_member(organisation: Organisation, full_name: str, email: str) -> User:
    """A person who runs a demo group and can sign in with the demo password, as its owner."""
    user, created = User.objects.get_or_create(email=email, defaults={"full_name": full_name})
    if created:
        user.set_password(DEMO_PASSWORD)
        user.save()
    Membership.objects.get_or_create(organisation=organisation, user=user, defaults={"role": "owner"})
    return user


def eligibility_passed(round_: Round, organisation: Organisation, boroughs: list[str]) -> EligibilityCheck:
    """An eligibility check with every answer the real questions ask, all of them passing."""
    return EligibilityCheck.objects.create(
        round=round_, organisation=organisation, failures=[],
        answers={"board_size": 6, "disabled_board_members": 6, "leader_is_disabled": True, "boroughs": boroughs,
                 "annual_income": "60000.00", "has_safeguarding_policy": True, "has_governing_document": True},
    )


def project_answers(title: str, borough: str) -> dict[str, str]:
    """Whole answers to the standard project questions, as a group would write them, by question code."""
    return {
        "title": title,
        "summary": f"{title}: a Disabled-led service that helps Disabled victims of hate crime in {borough} get "
                   "support, report what happened and be taken seriously.",
        "need": f"Disabled people in {borough} tell us that hate crime happens to them often, on buses, in shops and "
                "outside their homes, but few report it. Many do not know it is a crime, fear they will not be "
                "believed, or cannot use the reporting routes: police forms are not in Easy Read and interpreters "
                "are rarely booked. Last year our members told us of 40 incidents; only 6 were reported.",
        "activities": "A caseworker, who is Disabled, runs a weekly drop-in and home visits. They help people record "
                      "what happened, report it to the police or a third-party reporting centre, and stay with them "
                      "through any investigation. Volunteers run awareness sessions in day centres and colleges.",
        "beneficiaries": f"Disabled adults in {borough} who have experienced hate crime, especially people with "
                         "learning disabilities, Deaf BSL users and people with mental health conditions.",
        "partnership": "We refer to and take referrals from CATCH partners, the local police hate crime officer, "
                       "Victim Support and the council's community safety team, and meet them each quarter.",
    }


def budget(amount: Decimal) -> list[dict]:
    """A caseworker, sessions and access costs that add up to the amount asked for."""
    access = (amount * Decimal("0.15")).quantize(Decimal("1"))
    sessions = (amount * Decimal("0.10")).quantize(Decimal("1"))
    return [
        {"category": BudgetLine.Category.STAFF, "description": "Caseworker", "amount": amount - access - sessions},
        {"category": BudgetLine.Category.VENUE, "description": "Rooms for awareness sessions", "amount": sessions},
        {"category": BudgetLine.Category.ACCESS, "description": "BSL interpreters and Easy Read", "amount": access},
    ]


def sections_complete(*, application: Application, acting_user: User, targets: dict[str, int], budget_lines: list[dict],
                      project: dict[str, str]) -> None:
    """Completes every section through the service the wizard uses, the round's required documents as real PDFs,
    so a demo application is as whole as one sent through the pages. `project` answers the round's own questions by
    code; `targets` maps indicator codes to a number for each quarter; other indicators get 5."""
    round_ = application.round
    answers = {
        "organisation": {},  # the organisation was made with its details
        **{section.slug: {"section": section, "answers": {
            question: project[question.code] for question in section.asked if question.code in project
        }} for section in round_sections(round_)},
        "request": {"amount_requested": application.amount_requested, "boroughs": list(application.boroughs.all())},
        "outcomes": {"targets": [
            (indicator, quarter, targets.get(indicator.code, 5))
            for indicator in round_.indicators.filter(has_target=True) for quarter in range(1, round_.quarters + 1)
        ]},
        "budget": {"lines": budget_lines},
        "documents": {"uploads": {
            kind: (ContentFile(_document_pdf(application, DocumentKind(kind).label), name=f"{kind}.pdf"), "application/pdf")
            for kind in round_.required_documents
        }},
        "declarations": {"declarant_name": acting_user.full_name, "declarant_role": "Director",
                         "declared_on": timezone.localdate()},
    }
    for step in application_steps(round_):
        application_save_section(application=application, step=step, data={}, acting_user=acting_user, completed=True,
                                 answers=answers[step])


def _document_pdf(application: Application, kind: str) -> bytes:
    return render_pdf(title=f"{application.organisation}: {kind}", subject=kind,
                      story=[Paragraph(f"{kind} of {application.organisation} (demo document)", styles()["h1"])])
