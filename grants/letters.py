"""Award letters as accessible PDFs made with reportlab: an offer, a decision not to fund with feedback, or the
completion of a grant.

Each comes in standard and large print (16 pt and up). Headings are real outline entries, text is selectable,
and the document carries its title, author and language. The content is gathered first (`offer_content`,
`not_funded_content`), so making the PDF itself touches no database.
"""

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from django.conf import settings
from core.pdf import para, paragraphs, print_styles, render_pdf
from core.templatetags.govuk import govuk_date, govuk_datetime, plain_number, pounds



@dataclass(frozen=True)
class Addressee:
    organisation: str
    contact: str
    address: str


@dataclass(frozen=True)
class OfferContent:
    reference: str
    round_name: str
    project_title: str
    amount: Decimal
    accept_by: datetime
    addressee: Addressee
    tranches: list[tuple[int, Decimal, Decimal, str]]  # number, share, amount, when it is paid
    quarters: int
    return_due_days: int
    dated: date


@dataclass(frozen=True)
class CriterionFeedback:
    criterion: str
    score: Decimal | None
    out_of: int
    comments: list[str]


@dataclass(frozen=True)
class NotFundedContent:
    reference: str
    round_name: str
    project_title: str
    addressee: Addressee
    feedback: list[CriterionFeedback]
    dated: date


CONDITIONS = [
    "Use the grant only for the project and budget in your application. Ask us before moving more than 10% "
    "of the money between budget lines.",
    "Keep the people you support safe, following your safeguarding policy.",
    "Never send us the names or contact details of the people you support. Tell us numbers only.",
    "Tell us straight away about anything that might stop the project going ahead as planned.",
    "Keep records of how you spent the grant for 6 years, and let us see them if we ask.",
    "We may ask for money back if it is not used as agreed.",
]


def letterhead(content, style) -> list:
    return [
        para(settings.FUNDER_NAME, style["strong"]),
        para(
            f"{govuk_date(content.dated)}\n\n{content.addressee.organisation}\n{content.addressee.contact}\n"
            f"{content.addressee.address}\n\nOur reference: {content.reference}",
            style["body"],
        ),
    ]


def contact_us(reference: str, style) -> list:
    """How every letter ends: who to ask, quoting what, and that it comes in other formats."""
    return [
        para("Contact us", style["h2"]),
        para(f"Email {settings.FUNDER_EMAIL} and give your reference, {reference}. We can send this letter in another "
             "format, such as large print, easy read or a BSL video.", style["body"]),
    ]


def offer_letter_pdf(content: OfferContent, *, large_print: bool = False) -> bytes:
    style = print_styles(large_print)
    body, h2 = style["body"], style["h2"]
    story = letterhead(content, style) + [
        para(f"Offer of a grant of {pounds(content.amount)}", style["h1"]),
        para(
            f"We are pleased to offer {content.addressee.organisation} a grant of {pounds(content.amount)} from "
            f"{content.round_name} for your project, {content.project_title}.",
            body,
        ),
        para("What you need to do", h2),
        para(
            f"Accept this offer by {govuk_datetime(content.accept_by)}. Sign in to the grants service, open your "
            "award and choose Accept. If you do not accept by then, the offer will lapse and we may offer the money "
            "to another group.",
            body,
        ),
        para("How we will pay you", h2),
        para(
            "We will pay the grant in parts:\n" + "\n".join(
                f"Part {number}: {pounds(amount)} ({plain_number(share)}%). {when}."
                for number, share, amount, when in content.tranches
            ),
            body,
        ),
        para("Telling us how the work is going", h2),
        para(
            f"Every 3 months for {content.quarters} quarters you will send us a short return: how many people you "
            "supported, what happened when they reported to the police, what you spent, and a short story of "
            f"change. Each return is due {content.return_due_days} days after the end of its quarter. The grant "
            "starts on the day you accept it. Accepting a return releases the next payment where one is waiting.",
            body,
        ),
        para("Conditions of the grant", h2),
    ]
    story.append(para("\n".join(f"{number}. {condition}" for number, condition in enumerate(CONDITIONS, start=1)), body))
    story += [
        *contact_us(content.reference, style),
    ]
    return render_pdf(
        title=f"Offer of a grant: {content.reference}",
        subject=f"{content.round_name}: offer to {content.addressee.organisation}",
        story=story,
    )


def not_funded_letter_pdf(content: NotFundedContent, *, large_print: bool = False) -> bytes:
    style = print_styles(large_print)
    body, h2, h3 = style["body"], style["h2"], style["h3"]
    story = letterhead(content, style) + [
        para("Decision on your application", style["h1"]),
        para(
            f"Thank you for applying to {content.round_name} for your project, {content.project_title}. We are sorry "
            "that we cannot fund it this time. We had far more good applications than money to fund them.",
            body,
        ),
        para("How your application was scored", h2),
        para("Independent assessors scored your application against each criterion. Here are their scores and "
             "what they said, to help you with future applications.", body),
    ]
    for item in content.feedback:
        story.append(para(item.criterion, h3))
        story.append(para(
            f"Score: {item.score.quantize(Decimal('0.1'))} out of {item.out_of}" if item.score is not None
            else "Not scored", body,
        ))
        for comment in item.comments:
            story.extend(paragraphs(f"Assessor's comment: {comment}", body))
    story += [
        para("What you can do next", h2),
        para("You are welcome to apply to future rounds. If you would like to talk about this decision, email "
             f"{settings.FUNDER_EMAIL} and give your reference, {content.reference}.", body),
    ]
    return render_pdf(
        title=f"Decision on application {content.reference}",
        subject=f"{content.round_name}: decision for {content.addressee.organisation}",
        story=story,
    )


@dataclass(frozen=True)
class CompletionContent:
    reference: str
    round_name: str
    project_title: str
    addressee: Addressee
    amount: Decimal
    paid: Decimal
    still_to_pay: Decimal
    not_needed: Decimal  # never paid, as less was spent
    held_underspend: Decimal  # paid but not spent
    underspend_returned: bool
    started_on: date
    completed_on: date
    dated: date


def completion_letter_pdf(content: CompletionContent, *, large_print: bool = False) -> bytes:
    style = print_styles(large_print)
    body, h2 = style["body"], style["h2"]
    money = [f"Grant: {pounds(content.amount)}.", f"Paid to you so far: {pounds(content.paid)}."]
    if content.still_to_pay:
        money.append(f"Still to be paid to you: {pounds(content.still_to_pay)}. We will pay it in the next few days.")
    if content.not_needed:
        money.append(f"Not needed, so not paid: {pounds(content.not_needed)}. It goes back to the fund for other "
                     "groups.")
    if content.held_underspend and content.underspend_returned:
        money.append(f"Paid to you but not spent: {pounds(content.held_underspend)}. We will ask you to pay it back: "
                     "you will see it on your grant page once a second manager has checked it.")
    elif content.held_underspend:
        money.append(f"Paid to you but not spent: {pounds(content.held_underspend)}. You do not need to pay it back.")
    story = letterhead(content, style) + [
        para(f"Your grant is complete: {content.reference}", style["h1"]),
        para(
            f"Thank you. We have accepted your end-of-grant report for your project, {content.project_title}, funded "
            f"by {content.round_name} from {govuk_date(content.started_on)}. Your grant was completed on "
            f"{govuk_date(content.completed_on)}.",
            body,
        ),
        para("The money", h2),
        para("\n".join(money), body),
        para("What happens now", h2),
        para("You do not need to send us any more returns for this grant. Keep your records of how you spent it for 6 "
             "years, and let us see them if we ask.", body),
        *contact_us(content.reference, style),
    ]
    return render_pdf(
        title=f"Completion of grant {content.reference}",
        subject=f"{content.round_name}: completion for {content.addressee.organisation}",
        story=story,
    )
