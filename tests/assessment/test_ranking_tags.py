from decimal import Decimal

from assessment.scoring import CriterionScores
from assessment.templatetags.ranking import score_cells


def test_each_criterion_gets_a_cell_with_the_score_that_counts_or_a_dash():
    cells = score_cells([
        CriterionScores(criterion_id=1, weight=Decimal(50), total=7, count=2, lowest=3, highest=4),
        CriterionScores(criterion_id=2, weight=Decimal(30), total=2, count=2, lowest=1, highest=1, moderated=4),
        CriterionScores(criterion_id=3, weight=Decimal(20)),
    ])
    assert cells == (
        '<td class="govuk-table__cell govuk-table__cell--numeric">3.5</td>'
        '<td class="govuk-table__cell govuk-table__cell--numeric">4.0 <span class="govuk-body-s">(agreed)</span></td>'
        '<td class="govuk-table__cell govuk-table__cell--numeric">–</td>'
    )
