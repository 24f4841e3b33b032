"""The variation letter: an accessible PDF made with reportlab, in standard and large print, that tells the grantee
what changed and sets out the grant as it now stands. Its content is gathered first (`variation_content`), so making
the PDF touches no database."""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal


from core.pdf import para, paragraphs, print_styles, render_pdf
from core.templatetags.govuk import govuk_date, pounds
from grants.letters import Addressee, letterhead, contact_us
from grants.selectors import addressee_of


@dataclass(frozen=True)
class VariationContent:
    reference: str
    round_name: str
    project_title: str
    addressee: Addressee
    number: int
    version: int
    reason: str
    changes: list[list[str]]  # what, before, after
    amount: Decimal
    ends_on: date | None
    tranches: list[tuple[int, Decimal, str, str]]  # number, amount, when it is paid, its status
    returns: int
    dated: date


def variation_content(variation, *, changes: list[list[str]], tranches, returns: int, dated: date) -> VariationContent:
    """What the letter for `variation`, made to its grant, says; `tranches` are the grant's parts as they now stand,
    each as (number, amount, when it is paid, its status)."""
    award = variation.award
    return VariationContent(
        reference=award.reference, round_name=award.round.name, project_title=award.application.title,
        addressee=addressee_of(award.application.organisation), number=variation.number, version=variation.version,
        reason=variation.reason, changes=changes, amount=award.amount, ends_on=award.ends_on,
        tranches=list(tranches), returns=returns,
        dated=dated,
    )


def variation_letter_pdf(content: VariationContent, *, large_print: bool = False) -> bytes:
    style = print_styles(large_print)
    body, h2 = style["body"], style["h2"]
    story = letterhead(content, style) + [
        para(f"Variation {content.number} of your grant", style["h1"]),
        para(f"We have agreed to change your grant from {content.round_name} for your project, "
             f"{content.project_title}. This letter varies your offer letter: the conditions of the grant are "
             f"unchanged. This is version {content.version} of your grant.", body),
        para("What you asked for", h2),
        *paragraphs(content.reason, body),
        para("What has changed", h2),
        para("\n".join(f"We have changed {what} from {before} to {after}." for what, before, after in content.changes),
             body),
        para("Your grant now", h2),
        para(f"The grant is {pounds(content.amount)}"
             + (f" and ends on {govuk_date(content.ends_on)}." if content.ends_on else "."), body),
        para("We will pay it in parts:\n" + "\n".join(
            f"Part {number}: {pounds(amount)}. {when}. {status}." for number, amount, when, status in content.tranches
        ), body),
        para(f"You will send us {content.returns} quarterly returns in all. Each return is due some days after the "
             "end of its quarter, as your grant page shows.", body),
        *contact_us(content.reference, style),
    ]
    return render_pdf(
        title=f"Variation {content.number} of grant {content.reference}",
        subject=f"{content.round_name}: variation for {content.addressee.organisation}",
        story=story,
    )
