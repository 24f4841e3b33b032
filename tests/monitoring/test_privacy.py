import time

import pytest

from monitoring.privacy import personal_data_in


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("Contact her at jane.doe@example.com for details", "an email address"),
        ("He rang us on 07700 900982 after the attack", "a phone number"),
        ("Call 020 7946 0000", "a phone number"),
        ("or +44 7700 900982", "a phone number"),
        ("She lives at E8 1HR near the station", "a postcode"),
        ("postcode sw1a1aa", "a postcode"),
        ("DOB: 12/03/1987", "a date (it could be a date of birth)"),
        ("born on 3 May 1990", "a date (it could be a date of birth)"),
        ("a referral on 14/02/2027 went well", "a date (it could be a date of birth)"),
    ],
)
def test_personal_data_is_found(text, kind):
    assert kind in [finding.kind for finding in personal_data_in({"case_study": text})]


def test_counts_and_ordinary_words_are_not_flagged():
    text = ("We supported 14 Disabled victims this quarter, ran 3 awareness sessions for 120 people and made "
            "6 referrals to CATCH partners. Police took 9 reports.")
    assert personal_data_in({"what_changed": text}) == []


def test_each_finding_says_which_answer_it_is_in():
    [finding] = personal_data_in({"challenges": "", "case_study": "write to a@b.org"})
    assert (finding.field, finding.text) == ("case_study", "a@b.org")


@pytest.mark.parametrize(
    "text",
    ["1" * 100_000, " " * 100_000, "@" * 100_000, "a." * 50_000, "a" * 100_000, "born " * 20_000, "0 " * 50_000],
    ids=["digits", "spaces", "at signs", "a dot", "letters", "born", "zero space"],
)
def test_a_long_adversarial_narrative_is_checked_in_well_under_a_second(text):
    # The old patterns took tens of seconds on these: an unbounded run was retried from every position.
    # CPU time, not the clock, so that a busy test machine does not fail it.
    started = time.process_time()
    personal_data_in({"case_study": text})
    assert time.process_time() - started < 1


def test_an_address_inside_a_long_run_of_text_is_still_found():
    [finding] = personal_data_in({"case_study": "x" * 50_000 + " jane.doe@example.com " + "1" * 50_000})
    assert finding.text == "jane.doe@example.com"


def test_a_likely_name_is_a_finding_of_its_own_kind():
    findings = personal_data_in({"case_study": "We helped Amina, and her email is a@b.org"})
    assert [(finding.kind, finding.text) for finding in findings] == [("an email address", "a@b.org"),
                                                                      ("a name", "Amina")]
