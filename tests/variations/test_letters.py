import hashlib
from datetime import date
from decimal import Decimal

import pytest

from grants.letters import Addressee
from grants.models import Letter
from tests.grants.test_letters import font_sizes, read
from tests.variations.conftest import lines_of
from variations.changes import Asked
from variations.letters import VariationContent, variation_letter_pdf
from variations.services import variation_approve, variation_request

CONTENT = VariationContent(
    reference="DHC27-0007", round_name="Hate Crime Support 2027", project_title="Drop-in support",
    addressee=Addressee(organisation="Hackney Deaf Forum", contact="Amara Okafor", address="1 Mare Street, E8 1HR"),
    number=1, version=2, reason="Our BSL interpreters cost more this year.",
    changes=[["the budget for Access costs: BSL interpreters", "£1,000", "£1,500"]],
    amount=Decimal("8000.00"), ends_on=date(2028, 3, 31),
    tranches=[(1, Decimal("4000.00"), "On acceptance", "Paid"), (2, Decimal("2000.00"), "After the quarter 2 return",
                                                                 "Scheduled")],
    returns=4, dated=date(2027, 6, 1),
)


def test_the_letter_says_what_changed_and_the_grant_as_it_now_stands():
    reader, text = read(variation_letter_pdf(CONTENT))
    assert "Variation 1 of your grant" in text
    assert "We have changed the budget for Access costs: BSL interpreters from £1,000 to £1,500." in text
    assert "This is version 2 of your grant." in text
    assert "Part 2: £2,000. After the quarter 2 return. Scheduled." in text
    assert "ends on 31 March 2028" in text
    assert reader.metadata.title == "Variation 1 of grant DHC27-0007"
    assert [item.title for item in reader.outline if not isinstance(item, list)][0] == "Variation 1 of your grant"


def test_the_large_print_letter_is_16_point_and_up():
    reader, _ = read(variation_letter_pdf(CONTENT, large_print=True))
    assert min(font_sizes(reader)) >= 16


@pytest.mark.django_db
def test_each_variation_in_force_issues_the_next_version_of_the_letter_beside_the_offer(grant, applicant,
                                                                                      programme_manager):
    for amount in ("100.00", "200.00"):
        first, second = lines_of(grant)[:2]
        variation = variation_request(award=grant, reason="Moving money.", acting_user=applicant, asked=Asked(
            budget={first.pk: first.amount - Decimal(amount), second.pk: second.amount + Decimal(amount)}))
        variation_approve(variation=variation, acting_user=programme_manager)
    letters = Letter.objects.filter(application=grant.application)
    assert sorted(letters.values_list("kind", "version", "large_print")) == [
        ("offer", 1, False),
        ("variation", 1, False), ("variation", 1, True), ("variation", 2, False), ("variation", 2, True),
    ]
    letter = letters.get(kind="variation", version=2, large_print=False)
    made = letter.file.read()
    assert hashlib.sha256(made).hexdigest() == letter.checksum
    assert "from £4,900 to £4,700" in read(made)[1]
