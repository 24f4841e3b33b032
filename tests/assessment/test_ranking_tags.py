from decimal import Decimal

from django.urls import reverse

from assessment.scoring import CriterionScores, Ranked
from assessment.selectors import RankedApplication
from assessment.templatetags.ranking import ranking_row

CELL = '<td class="govuk-table__cell govuk-table__cell--numeric">{}</td>'


def entry(**fields) -> Ranked:
    return Ranked(**{
        "application_id": 7, "amount_requested": Decimal("9500"), "submitted_order": 0, "criteria": [],
        "total": Decimal("72.5"), "assessments": 2, "rank": 3, "running_total": Decimal("21000.50"),
        "within_ringfence": True,
        "application": RankedApplication(pk=7, reference="HC-0007", title="Advocacy", status="scored",
                                         organisation_name="Deaf & Disabled Forum"),
        **fields,
    })


def test_a_row_gives_each_criterion_a_cell_with_the_score_that_counts_or_a_dash():
    row = ranking_row(entry(criteria=[
        CriterionScores(criterion_id=1, weight=Decimal(50), total=7, count=2, lowest=3, highest=4),
        CriterionScores(criterion_id=2, weight=Decimal(30), total=2, count=2, lowest=1, highest=1, moderated=4),
        CriterionScores(criterion_id=3, weight=Decimal(20)),
    ]), 2)
    assert (CELL.format("3.5") + CELL.format('4.0 <span class="govuk-body-s">(agreed)</span>') + CELL.format("–")) in row


def test_a_row_within_the_ringfence_links_the_application_and_adds_up_to_it():
    row = ranking_row(entry(), 2)
    assert row.startswith('<tr class="govuk-table__row">' + CELL.format(3))
    moderate = reverse("assessment:moderate", args=[7])
    assert f'<a class="govuk-link" href="{moderate}">HC-0007</a><br><span class="govuk-body-s">Deaf &amp; Disabled Forum</span>' in row
    assert "<strong>72.5%</strong>" in row
    assert CELL.format("£9,500") + CELL.format("£21,000.50") in row
    assert row.endswith('<td class="govuk-table__cell">Within the ringfence</td></tr>')
    assert "Cannot be decided" not in row


def test_a_row_below_the_funding_line_says_so_in_words_as_well_as_its_colour():
    row = ranking_row(entry(within_ringfence=False), 2)
    assert row.startswith('<tr class="govuk-table__row app-ranking__below-line">')
    assert "Below the funding line" in row


def test_a_flagged_row_says_what_stops_its_decision_and_is_not_counted_yet():
    waiting = ranking_row(entry(flags=["1 of 2 scores in"], assessments=1, running_total=None), 2)
    assert ('<span class="govuk-body-s">Cannot be decided until this is resolved:</span><br>'
            '<strong class="govuk-tag govuk-tag--yellow">1 of 2 scores in</strong>') in waiting
    assert CELL.format("–") + '<td class="govuk-table__cell">Not counted until all scores are in</td>' in waiting
    assert "app-ranking__below-line" not in waiting
    moderating = ranking_row(entry(flags=["Needs moderation: Need"], running_total=None), 2)
    assert "Not counted until moderated" in moderating


def test_an_application_without_a_complete_total_is_not_ranked_yet():
    row = ranking_row(entry(total=None, rank=None, running_total=None, flags=["1 of 2 scores in"], assessments=1), 2)
    assert row.startswith('<tr class="govuk-table__row">' + CELL.format("–"))
    assert "<strong>–</strong>" in row and "Not ranked yet" in row
