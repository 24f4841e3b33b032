import dataclasses
import io

import pytest
from pypdf import PdfReader
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth

from applications.pdf import application_pdf
from applications.selectors import application_with_answers
from core.pdf import wrap_lines
from grants.letters import offer_letter_pdf
from tests.factories import ApplicationFactory, OrganisationFactory, answers_given
from tests.grants.test_letters import ADDRESSEE, OFFER

pytestmark = pytest.mark.django_db

LONG_WORD = "Unbroken" * 40  # 320 characters with no space
LONG_ADDRESS = "https://example.org/" + "reports/" * 30 + "hate-crime.html"
RIGHT_MARGIN = 20 * mm


def lines_past_the_margin(pdf: bytes) -> list[str]:
    """Every line of text drawn in the PDF whose right-hand end lies beyond the page's right margin."""
    past = []
    for page in PdfReader(io.BytesIO(pdf)).pages:
        limit = float(page.mediabox.width) - RIGHT_MARGIN

        def measure(text, cm, tm, font, size):
            text = text.rstrip("\n")
            if text and font:
                left = cm[4] + tm[4] * cm[0]
                if left + stringWidth(text, font["/BaseFont"].lstrip("/"), size * tm[0]) > limit:
                    past.append(text)

        page.extract_text(visitor_text=measure)
    return past


def test_a_word_too_long_for_a_line_is_broken_inside_the_word():
    lines = wrap_lines(f"See {LONG_WORD} today", "Helvetica", 11, 200)
    assert all(stringWidth(line, "Helvetica", 11) <= 200 for line in lines)
    assert len(lines) > 3
    assert "".join(lines) == f"See{LONG_WORD}today"


def test_lines_break_at_spaces_and_keep_blank_lines():
    assert wrap_lines("one two three\n\nfour", "Helvetica", 11, 40) == ["one two", "three", "", "four"]


def test_a_long_word_in_an_application_stays_inside_the_page():
    organisation = OrganisationFactory(name=LONG_WORD[:200])  # as long as a name may be
    application = ApplicationFactory(organisation=organisation)
    answers_given(application, need=f"Read {LONG_ADDRESS} and {LONG_WORD}.")
    pdf = application_pdf(application_with_answers(application))
    assert lines_past_the_margin(pdf) == []
    assert LONG_WORD[:60] in PdfReader(io.BytesIO(pdf)).pages[0].extract_text()


@pytest.mark.parametrize("large_print", [False, True])
def test_a_long_word_in_a_letter_stays_inside_the_page(large_print):
    content = dataclasses.replace(
        OFFER, project_title=LONG_ADDRESS, addressee=dataclasses.replace(ADDRESSEE, organisation=LONG_WORD)
    )
    assert lines_past_the_margin(offer_letter_pdf(content, large_print=large_print)) == []
