"""Django's {% url %} tag, loaded into every template in its place (TEMPLATES' builtins), which finds an address
without arguments once per process (core.links) and any other as Django does."""

from django import template
from django.template import defaulttags
from django.utils.html import conditional_escape

from core.links import fixed_url

register = template.Library()


class FixedURLNode(template.Node):
    def __init__(self, name: str):
        self.name = name

    def render(self, context):
        url = fixed_url(self.name)
        return conditional_escape(url) if context.autoescape else url


@register.tag
def url(parser, token):
    node = defaulttags.url(parser, token)
    name = node.view_name
    if node.args or node.kwargs or node.asvar or name.filters or not isinstance(name.var, str):
        return node
    return FixedURLNode(name.var)
