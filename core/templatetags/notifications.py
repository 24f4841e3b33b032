"""The count of a person's new notifications, shown on their dashboard with one COUNT query."""

from django import template

from core.selectors import notifications_new_count

register = template.Library()


@register.inclusion_tag("components/new_notifications.html", takes_context=True)
def new_notifications(context):
    return {"count": notifications_new_count(context["request"].user)}
