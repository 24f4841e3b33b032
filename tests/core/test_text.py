import pytest

from core.text import count_words, has_joined_words, listed


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


@pytest.mark.parametrize(("text", "joined"), [("Deaf-led groups", True), ("peer\u2013to\u2013peer", True),
                                               ("a list - with a dash", False), ("-5 degrees", False), ("plain", False)])
def test_words_joined_by_a_hyphen_or_dash_are_noticed_but_a_dash_between_spaces_is_not(text, joined):
    assert has_joined_words(text) is joined


@pytest.mark.parametrize(("items", "sentence"), [
    ([], ""), (["a"], "a"), (["a", "b"], "a and b"), (["a", "b", "c"], "a, b and c"),
])
def test_items_are_listed_as_a_sentence_lists_them(items, sentence):
    assert listed(items) == sentence
