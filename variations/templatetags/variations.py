"""A grant's variations and earlier versions, for the grant pages of grants and monitoring, which know nothing of
variations: the template asks, and the app that holds them answers."""

from datetime import date

from django import template

from core.templatetags.govuk import govuk_date, status_tag
from variations.models import Variation

register = template.Library()


@register.inclusion_tag("variations/_grant_variations.html", takes_context=True)
def grant_variations(context, award, staff: bool = False):
    """The grant's version, its variations and the versions they replaced (read in one query); for a grantee, the way
    to ask for one."""
    variations = list(Variation.objects.filter(award=award).select_related("replaced").order_by("-number"))
    versions = [variation.replaced for variation in variations if variation.in_force]
    return {"award": award, "user": context["user"], "staff": staff, "version": len(versions) + 1,
            "variations": variations, "versions": versions}


@register.inclusion_tag("components/status_tag.html")
def variation_status_tag(variation: Variation):
    return status_tag(variation.status_key, variation.status_label)


@register.filter
def snapshot_date(value: str) -> str:
    """A date kept in a grant's earlier version (as ISO text), as every page shows dates."""
    return govuk_date(date.fromisoformat(value)) if value else ""
