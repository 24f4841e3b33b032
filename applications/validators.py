"""Checks on what applicants type: word limits and the formats of UK identifiers."""

import re

from django.core.exceptions import ValidationError
from django.utils.deconstruct import deconstructible

from core.text import count_words, has_joined_words

POSTCODE = re.compile(r"^(GIR ?0AA|[A-PR-UWYZ][A-HK-Y]?[0-9][0-9A-HJKMNPR-Y]? ?[0-9][ABD-HJLNP-UW-Z]{2})$")
CHARITY_NUMBER = re.compile(r"^(\d{6,7}|SC\d{6}|NIC\d{6})$")
COMPANY_NUMBER = re.compile(r"^([0-9]{8}|(SC|NI|OC|SO|NC|R0|CE|CS|SE|SF|SG|SZ|LP|SL|GS|FC|SP|IP|RS|NO|NP)[0-9]{6})$")
SOCIETY_NUMBER = re.compile(r"^\d{1,6}R?$")
UK_PHONE = re.compile(r"^(\+44|0)\d{9,10}$")


# Generous for real words (English averages under 6 characters a word, with its space), but it stops one
# "word" of thousands of characters.
CHARACTERS_PER_WORD = 10


@deconstructible
class MaxWordsValidator:
    """A limit in words, and in characters too. `subject` starts the message, so each error says which answer."""

    def __init__(self, limit: int, subject: str = "Your answer"):
        self.limit = limit
        self.subject = subject

    def __call__(self, value: str) -> None:
        value = value or ""
        words = count_words(value)
        if words > self.limit:
            # Word processors count "Deaf-led" as one word; saying why the counts differ saves a puzzled writer.
            joined = " Words joined by a hyphen or dash count as separate words." if has_joined_words(value) else ""
            raise ValidationError(
                "%(subject)s must be %(limit)s words or fewer. It has %(words)s words." + joined,
                code="too_many_words",
                params={"subject": self.subject, "limit": self.limit, "words": words},
            )
        characters, character_limit = len(value), self.limit * CHARACTERS_PER_WORD
        if characters > character_limit:
            raise ValidationError(
                "%(subject)s must be %(limit)s characters or fewer. It has %(characters)s characters.",
                code="too_many_characters",
                params={"subject": self.subject, "limit": f"{character_limit:,}", "characters": f"{characters:,}"},
            )

    def __eq__(self, other) -> bool:
        return isinstance(other, MaxWordsValidator) and (other.limit, other.subject) == (self.limit, self.subject)


def normalise_postcode(value: str) -> str:
    """'e1 6an' becomes 'E1 6AN'; anything that is not a UK postcode is refused."""
    compact = re.sub(r"\s+", "", value or "").upper()
    if not POSTCODE.match(compact):
        raise ValidationError("Enter a real postcode, like E1 6AN", code="invalid_postcode")
    return f"{compact[:-3]} {compact[-3:]}"


def normalise_charity_number(value: str) -> str:
    compact = re.sub(r"[\s-]+", "", value or "").upper()
    if not CHARITY_NUMBER.match(compact):
        raise ValidationError(
            "Enter a charity number in the right format: 6 or 7 numbers in England and Wales, like 1012345, "
            "or SC or NIC followed by 6 numbers",
            code="invalid_charity_number",
        )
    return compact


def normalise_company_number(value: str) -> str:
    compact = re.sub(r"\s+", "", value or "").upper()
    if compact.isdigit() and len(compact) < 8:
        compact = compact.zfill(8)  # Companies House numbers are 8 characters; people drop the leading zeros.
    if not COMPANY_NUMBER.match(compact):
        raise ValidationError(
            "Enter a company number in the right format: 8 numbers, like 01234567, or 2 letters and 6 numbers",
            code="invalid_company_number",
        )
    return compact


def normalise_society_number(value: str) -> str:
    compact = re.sub(r"\s+", "", value or "").upper()
    if not SOCIETY_NUMBER.match(compact):
        raise ValidationError(
            "Enter a society registration number in the right format, like 31234R", code="invalid_society_number"
        )
    return compact


def normalise_uk_phone(value: str) -> str:
    compact = re.sub(r"[\s()-]+", "", value or "")
    if not UK_PHONE.match(compact):
        raise ValidationError(
            "Enter a UK phone number, like 020 7946 0000 or 07700 900 982", code="invalid_phone"
        )
    return compact
