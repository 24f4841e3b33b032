import pytest
from django.core.exceptions import ValidationError

from applications.validators import (
    MaxWordsValidator,
    normalise_charity_number,
    normalise_company_number,
    normalise_postcode,
    normalise_uk_phone,
)


@pytest.mark.parametrize(("typed", "stored"), [("e1 6an", "E1 6AN"), ("SW1A1AA", "SW1A 1AA"), (" cr0  1nx ", "CR0 1NX")])
def test_postcodes_are_tidied(typed, stored):
    assert normalise_postcode(typed) == stored


@pytest.mark.parametrize("typed", ["12345", "E1", "not a postcode", "QQ1 1QQ"])
def test_things_that_are_not_postcodes_are_refused(typed):
    with pytest.raises(ValidationError):
        normalise_postcode(typed)


@pytest.mark.parametrize(("typed", "stored"), [("1012345", "1012345"), ("sc012345", "SC012345"), ("NIC 100002", "NIC100002")])
def test_charity_numbers_in_each_uk_format_are_accepted(typed, stored):
    assert normalise_charity_number(typed) == stored


@pytest.mark.parametrize(("typed", "stored"), [("1234567", "01234567"), ("sc123456", "SC123456"), ("01234567", "01234567")])
def test_company_numbers_get_their_leading_zeros_back(typed, stored):
    assert normalise_company_number(typed) == stored


@pytest.mark.parametrize("typed", ["ABC", "123456789", "ZZ123456"])
def test_malformed_company_numbers_are_refused(typed):
    with pytest.raises(ValidationError):
        normalise_company_number(typed)


def test_phone_numbers_are_stored_without_spaces():
    assert normalise_uk_phone("020 7946 0000") == "02079460000"
    with pytest.raises(ValidationError):
        normalise_uk_phone("12345")


def test_word_limit_counts_words_not_characters():
    MaxWordsValidator(3)("one two three")
    with pytest.raises(ValidationError) as refused:
        MaxWordsValidator(3, "Your summary")("one two three four")
    assert refused.value.messages == ["Your summary must be 3 words or fewer. It has 4 words."]


@pytest.mark.parametrize(
    ("joiner", "why"),
    [("-", " Words joined by a hyphen or dash count as separate words."),
     ("\u2013", " Words joined by a hyphen or dash count as separate words."),
     ("\u200b", ""), ("\u200c", ""), ("\u200d", ""), ("\u2060", ""), ("\ufeff", "")],
)
def test_words_joined_by_a_hyphen_or_an_invisible_character_each_count(joiner, why):
    with pytest.raises(ValidationError) as refused:
        MaxWordsValidator(300, "Your summary")(joiner.join(["word"] * 2000))
    assert refused.value.messages == [f"Your summary must be 300 words or fewer. It has 2000 words.{why}"]


def test_an_answer_within_the_word_limit_is_refused_when_it_has_too_many_characters():
    with pytest.raises(ValidationError) as refused:
        MaxWordsValidator(300, "Your summary")("a" * 3001)
    assert refused.value.messages == ["Your summary must be 3,000 characters or fewer. It has 3,001 characters."]
    MaxWordsValidator(300)("a" * 3000)
