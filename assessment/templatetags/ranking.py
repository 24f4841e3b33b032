"""The ranking table's score cells, made in one pass: a page of a hundred applications has hundreds of them, and a
template loop over each cell cost more than the rest of the page."""

from django import template
from django.utils.html import format_html, format_html_join

register = template.Library()

AGREED = '{} <span class="govuk-body-s">(agreed)</span>'


def _score_cell(scores):
    """The score that counts, to one place; "(agreed)" after a moderated one; a dash before any score is in."""
    if scores.used is None:
        return "–"
    used = f"{scores.used:.1f}"
    return format_html(AGREED, used) if scores.moderated is not None else used


@register.simple_tag
def score_cells(criteria):
    """One numeric table cell for each criterion's scores (assessment.scoring.CriterionScores), in order."""
    return format_html_join(
        "", '<td class="govuk-table__cell govuk-table__cell--numeric">{}</td>', ((_score_cell(scores),) for scores in criteria)
    )
