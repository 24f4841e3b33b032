import re
from decimal import Decimal

import pytest
from django.urls import reverse

from grants.models import Award
from tests.factories import AwardFactory, RoundFactory

pytestmark = pytest.mark.django_db


def test_the_round_page_shows_the_rounds_money_once_it_has_awards(client_for, programme_manager):
    round_ = RoundFactory(budget=Decimal("20000.00"))
    client = client_for(programme_manager)
    url = reverse("applications:manage_round", kwargs={"pk": round_.pk})
    assert "The round's money" not in client.get(url).content.decode()
    AwardFactory(application__round=round_, amount=Decimal("5000.00"))
    AwardFactory(application__round=round_, amount=Decimal("3000.00"), status=Award.Status.ACCEPTED)
    page = client.get(url).content.decode()
    assert "The round's money" in page
    for line, amount in (("Offered, waiting for an answer", "£5,000"), ("Accepted", "£3,000"),
                         ("Left in the ringfence", "£12,000")):
        assert re.search(f'{line}</dt>\\s*<dd class="govuk-summary-list__value">{amount}<', page), line
    assert "do not add up" not in page
