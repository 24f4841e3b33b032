"""Cleaning what people type: invisible and direction-changing characters can hide or disguise text."""

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
