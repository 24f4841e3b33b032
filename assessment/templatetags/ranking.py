"""The ranking table's rows, each made in one pass: a page of a hundred applications has well over a thousand cells,
and a template's loop over them cost more than the rest of the page together."""

from django import template
from django.urls import reverse
from django.utils.html import format_html, format_html_join

from assessment.scoring import funding_line
from core.templatetags.govuk import pounds

register = template.Library()

AGREED = '{} <span class="govuk-body-s">(agreed)</span>'
NUMERIC_CELL = '<td class="govuk-table__cell govuk-table__cell--numeric">{}</td>'
ROW = (
    '<tr class="govuk-table__row{}">'
    + NUMERIC_CELL
    + '<td class="govuk-table__cell"><a class="govuk-link" href="{}">{}</a><br>'
    '<span class="govuk-body-s">{}</span>{}</td>'
    "{}"
    '<td class="govuk-table__cell govuk-table__cell--numeric"><strong>{}</strong></td>'
    + NUMERIC_CELL
    + NUMERIC_CELL
    + '<td class="govuk-table__cell">{}</td></tr>'
)
FLAGS = '<br><span class="govuk-body-s">Cannot be decided until this is resolved:</span>{}'
FLAG = '<br><strong class="govuk-tag govuk-tag--yellow">{}</strong>'


def _score_cell(scores):
    """The score that counts, to one place; "(agreed)" after a moderated one; a dash before any score is in."""
    if scores.used is None:
        return "–"
    used = f"{scores.used:.1f}"
    return format_html(AGREED, used) if scores.moderated is not None else used


@register.simple_tag
def ranking_row(entry, assessors_needed: int):
    """One application's row (assessment.scoring.Ranked): rank, application and what stops its decision, a cell for
    each criterion's scores in order, total, amount, running total and where it falls against the funding line."""
    return format_html(
        ROW,
        " app-ranking__below-line" if entry.running_total and not entry.within_ringfence else "",
        entry.rank or "–",
        reverse("assessment:moderate", args=[entry.application.pk]),
        entry.application.reference,
        entry.application.organisation_name,
        format_html(FLAGS, format_html_join("", FLAG, ((flag,) for flag in entry.flags))) if entry.flags else "",
        format_html_join("", NUMERIC_CELL, ((_score_cell(scores),) for scores in entry.criteria)),
        f"{entry.total}%" if entry.total is not None else "–",
        pounds(entry.amount_requested),
        pounds(entry.running_total) if entry.running_total else "–",
        funding_line(entry, assessors_needed),
    )
