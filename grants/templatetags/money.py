"""The round's money as a panel that any page about the round can show, such as the round's own page."""

from django import template

from grants.selectors import round_money

register = template.Library()


@register.inclusion_tag("grants/_round_money.html")
def round_money_panel(round_):
    return {"money": round_money(round_)}
