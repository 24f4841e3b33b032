import io
from datetime import date, datetime, timezone
from decimal import Decimal

import pytest
from pypdf import PdfReader
from reportlab.lib.pagesizes import A4

from grants.letters import (
    Addressee,
    CompletionContent,
    CriterionFeedback,
    NotFundedContent,
    OfferContent,
    completion_letter_pdf,
    not_funded_letter_pdf,
    offer_letter_pdf,
)

ADDRESSEE = Addressee(organisation="Hackney Deaf Forum", contact="Amara Okafor", address="1 Mare Street, London, E8 1HR")
OFFER = OfferContent(
    reference="DHC27-0007", round_name="Hate Crime Support 2027", project_title="Drop-in support",
    amount=Decimal("8000.00"), accept_by=datetime(2027, 5, 1, 11, 0, tzinfo=timezone.utc), addressee=ADDRESSEE,
    tranches=[(1, Decimal("50"), Decimal("4000.00"), "When you accept this offer"),
              (2, Decimal("25"), Decimal("2000.00"), "When we accept your return for quarter 2"),
              (3, Decimal("25"), Decimal("2000.00"), "When we accept your return for quarter 4")],
    quarters=4, return_due_days=30, dated=date(2027, 4, 3),
)
REFUSAL = NotFundedContent(
    reference="DHC27-0008", round_name="Hate Crime Support 2027", project_title="Awareness <sessions>",
    addressee=ADDRESSEE, dated=date(2027, 4, 3),
    feedback=[CriterionFeedback("Need and evidence", Decimal("2.5"), 5, ["Local data was thin.", "Good quotes."]),
              CriterionFeedback("Partnership", None, 5, [])],
)


def read(pdf: bytes) -> tuple[PdfReader, str]:
    reader = PdfReader(io.BytesIO(pdf))
    return reader, " ".join(" ".join(page.extract_text() for page in reader.pages).split())


def font_sizes(reader: PdfReader) -> set[float]:
    sizes = set()
    for page in reader.pages:
        page.extract_text(visitor_text=lambda text, cm, tm, font, size: text.strip() and sizes.add(round(size * tm[0], 1)))
    return sizes


def test_the_offer_letter_has_everything_the_grantee_needs():
    reader, text = read(offer_letter_pdf(OFFER))
    for expected in [
        "Offer of a grant of £8,000", "DHC27-0007", "Hackney Deaf Forum", "Drop-in support",
        "Accept this offer by 1 May 2027 at midday", "£4,000", "When we accept your return for quarter 4",
        "Each return is due 30 days after the end of its quarter", "Conditions of the grant", "Contact us",
    ]:
        assert expected in text, expected
    assert reader.metadata.title == "Offer of a grant: DHC27-0007"
    assert [item.title for item in reader.outline if not isinstance(item, list)][0] == "Offer of a grant of £8,000"
    width, height = reader.pages[0].mediabox.width, reader.pages[0].mediabox.height
    assert (round(float(width)), round(float(height))) == (round(A4[0]), round(A4[1]))


def test_the_large_print_letter_uses_16_point_or_larger():
    reader, _ = read(offer_letter_pdf(OFFER, large_print=True))
    assert min(font_sizes(reader)) >= 16
    standard, _ = read(offer_letter_pdf(OFFER))
    assert min(font_sizes(standard)) < 16


def test_the_not_funded_letter_gives_feedback_for_each_criterion_and_prints_text_as_typed():
    _, text = read(not_funded_letter_pdf(REFUSAL))
    assert "Decision on your application" in text
    assert "Need and evidence" in text and "Score: 2.5 out of 5" in text
    assert "Assessor's comment: Local data was thin." in text
    assert "Partnership" in text and "Not scored" in text
    assert "Awareness <sessions>" in text


COMPLETION = CompletionContent(
    reference="DHC27-0007", round_name="Hate Crime Support 2027", project_title="Drop-in support", addressee=ADDRESSEE,
    amount=Decimal("8000.00"), paid=Decimal("6000.00"), still_to_pay=Decimal("1500.00"), not_needed=Decimal("500.00"),
    held_underspend=Decimal("250.00"), underspend_returned=True, started_on=date(2027, 5, 1),
    completed_on=date(2028, 5, 10), dated=date(2028, 5, 10),
)


@pytest.mark.parametrize("large_print", [False, True])
def test_the_completion_letter_says_what_happens_to_every_pound_left(large_print):
    reader, text = read(completion_letter_pdf(COMPLETION, large_print=large_print))
    for expected in [
        "Your grant is complete: DHC27-0007", "Drop-in support", "completed on 10 May 2028", "Grant: £8,000",
        "Paid to you so far: £6,000", "Still to be paid to you: £1,500", "Not needed, so not paid: £500",
        "Paid to you but not spent: £250. We will ask you to pay it back",
    ]:
        assert expected in text, expected
    assert reader.metadata.title == "Completion of grant DHC27-0007"
    assert (min(font_sizes(reader)) >= 16) == large_print


def test_a_completion_letter_writing_off_what_was_not_spent_says_it_need_not_be_paid_back():
    written_off = CompletionContent(**{**COMPLETION.__dict__, "underspend_returned": False, "still_to_pay": Decimal(0)})
    _, text = read(completion_letter_pdf(written_off))
    assert "You do not need to pay it back" in text and "Still to be paid" not in text
