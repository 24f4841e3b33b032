import time

import pytest

from monitoring.names import given_names, names_in

CASE_STUDY = """A young Deaf woman came to our drop-in in March after months of abuse on the bus home from college.
She had not told the police because she did not think they would understand her. Our BSL-using caseworker went with
her to Stoke Newington police station and stayed for the interview.

Amina told us she now feels safer and knows what to do if it happens again. We also referred her to Mrs Begum at
the housing office, and a volunteer called Wojciech helped her fill in the forms. Sarah Jones, our advocate, kept in
touch every week.
We have seen Amina's confidence grow.
"""

NO_NAMES = """We supported 14 Disabled victims this quarter, ran 3 awareness sessions for 120 people and made 6
referrals to CATCH partners. Police took 9 reports. Will the Met keep its officers at the hub? We hope so.

In May we trained 40 volunteers in British Sign Language and Easy Read with Inclusion London, Mind, Age UK and
Victim Support. Grace Church in Hackney let us use its hall, and the Elizabeth Line made travel from Newham easier.
Rose, our support worker, started in June. Faith groups in Tower Hamlets and Waltham Forest shared our leaflets.

Mark each referral on the sheet. Hope and confidence grew: May was our busiest month, and Bill payments were a worry
for many. Sunny days brought more people to the drop-in at Page Street.
"""


def test_names_in_a_real_looking_case_study_are_found():
    # "Amina told us" starts a sentence, so is not enough on its own; "Amina's confidence" is.
    assert names_in(CASE_STUDY) == ["Mrs Begum", "called Wojciech", "Sarah Jones", "Amina"]


def test_a_narrative_with_no_names_is_not_flagged():
    # "Rose" starts a sentence on its own, so it is left alone: the grantee is asked to check for names as well.
    assert names_in(NO_NAMES) == []


@pytest.mark.parametrize(("text", "found"), [
    ("we helped Fatima report it", ["Fatima"]),
    ("We met Mr. Okafor and Ms Nowak.", ["Mr Okafor", "Ms Nowak"]),
    ("a man named Mehmet", ["named Mehmet"]),
    ("Ionuț Popescu rang us", ["Ionuț Popescu"]),
    ("Priya Shah and João Silva came", ["Priya Shah", "João Silva"]),
    ("Amina came to us. Later Amina said", ["Amina"]),
])
def test_given_names_from_many_languages_are_found(text, found):
    assert names_in(text) == found


@pytest.mark.parametrize("text", [
    "Will you come?", "Hope grew.", "we said Grace before lunch", "in May", "the Elizabeth Line",
    "Brent Council helped", "Victoria Station", "a group called Deaf Plus", "Amina", "Sarah",
])
def test_ordinary_words_places_and_a_lone_word_starting_a_sentence_are_not_names(text):
    assert names_in(text) == []


def test_the_list_of_names_is_built_once_and_leaves_out_ordinary_words():
    assert given_names() is given_names()
    assert {"Amina", "Sarah", "Wojciech", "Mehmet", "Priya"} <= given_names()
    assert not {"Will", "Hope", "Grace", "May", "Mark", "Bill", "Page", "Rose", "Sunny"} & given_names()


@pytest.mark.parametrize("text", [
    "Amina went to Hackney with Sarah Jones. " * 25_000, "a" * 1_000_000, "Mr " * 330_000, "x'" * 500_000,
    ("Ab-" * 40 + " ") * 8_000,
], ids=["names", "one long word", "titles", "apostrophes", "hyphens"])
def test_a_megabyte_of_text_is_checked_quickly(text):
    given_names()
    started = time.process_time()
    names_in(text[:1_000_000])
    assert time.process_time() - started < 3
