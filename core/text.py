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
