import pytest
from django.urls import reverse

from applications.models import Round
from tests.factories import RoundFactory

pytestmark = pytest.mark.django_db


def test_start_page_explains_the_open_round_in_plain_english(client):
    RoundFactory(name="Hate Crime Support 2027", budget="150000.00", minimum_award="2000.00", maximum_award="15000.00")
    content = client.get(reverse("applications:start")).content.decode()
    assert "Hate Crime Support 2027" in content
    assert "£2,000" in content and "£15,000" in content and "£150,000" in content
    assert "Who can apply" in content
    assert "Start now" in content


def test_start_page_says_so_when_no_round_is_open(client):
    content = client.get(reverse("applications:start")).content.decode()
    assert "There is no funding round open at the moment" in content


def test_start_page_never_shows_a_draft_round(client):
    RoundFactory(name="Secret draft round", status=Round.Status.DRAFT)
    assert "Secret draft round" not in client.get(reverse("applications:start")).content.decode()
