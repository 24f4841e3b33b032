import pytest

from core.text import count_words


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("  one two\nthree  ", 3),
        ("", 0),
        ("well-being", 2),
        ("one\u200btwo\u200cthree\u200dfour\u2060five\ufeffsix", 6),
        ("before – after", 2),
        ("- - -", 0),
    ],
)
def test_words_are_counted_between_spaces_hyphens_and_invisible_joiners(text, words):
    assert count_words(text) == words
