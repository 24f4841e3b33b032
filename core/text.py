"""Cleaning and measuring what people type: invisible and direction-changing characters can hide or disguise text."""

import re
import unicodedata

KEPT_CONTROLS = {"\n", "\t"}


def strip_invisible(value: str) -> str:
    """Removes control and format characters (zero-width spaces, right-to-left overrides) and trims the result."""
    return "".join(
        character
        for character in value
        if character in KEPT_CONTROLS or unicodedata.category(character) not in {"Cc", "Cf"}
    ).strip()


def without_nul(values: list) -> list:
    """NUL characters cannot be stored (PostgreSQL refuses them) and are never meant: drop them."""
    return [value.replace("\x00", "") if isinstance(value, str) else value for value in values]


# Hyphens, dashes and invisible joiners also separate words: otherwise "one-two-three…" or words joined by
# zero-width spaces would count as one word, and a 2,000-word answer could pass a 300-word limit.
# frontend/static/js/app.mjs counts the same way in the page, so the live count agrees with this one.
HYPHENS_AND_DASHES = r"\-\u2010-\u2015"
WORD_SEPARATORS = re.compile(rf"[\s{HYPHENS_AND_DASHES}\u200b-\u200d\u2060\ufeff]+")
# A hyphen or dash between two words (not a dash standing between spaces).
VISIBLE_JOINERS = re.compile(rf"\S[{HYPHENS_AND_DASHES}]\S")


def count_words(text: str) -> int:
    return sum(1 for word in WORD_SEPARATORS.split(text) if word)


def has_joined_words(text: str) -> bool:
    """Whether words are joined by a hyphen or dash, which a writer may count as one word where we count two."""
    return bool(VISIBLE_JOINERS.search(text))


def listed(items: list[str]) -> str:
    """'a', 'a and b', 'a, b and c': items as a sentence lists them."""
    return " and ".join(filter(None, [", ".join(items[:-1]), items[-1]])) if items else ""
