"""The status an organisation sees for its application, as a GOV.UK tag (the same word on every page), and the
round's own sections with their answers."""

from django import template

from applications import questions
from applications.selectors import applicant_status
from core.templatetags.govuk import status_tag

register = template.Library()


@register.inclusion_tag("components/status_tag.html")
def applicant_status_tag(application):
    shown = applicant_status(application)
    return status_tag(shown.key, shown.label)


@register.filter
def applicant_status_key(application) -> str:
    """What the organisation has been told, for choosing what a page offers (a link to the grant or the letter)."""
    return applicant_status(application).key


@register.simple_tag
def answered_sections(application) -> list[tuple]:
    """The round's own sections with their answers, for the answers page: see questions.answered_sections."""
    return questions.answered_sections(application)


@register.simple_tag
def information_changes(application) -> list[tuple]:
    """What changed in the answers after each request for more information: see questions.information_changes."""
    return questions.information_changes(application)
