import re

from django.urls import URLPattern, URLResolver, get_resolver, resolve

from applications.models import APPLICATION_PAGES


def routes(patterns, prefix=""):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            yield from routes(pattern.url_patterns, prefix + str(pattern.pattern))
        elif isinstance(pattern, URLPattern):
            yield prefix + str(pattern.pattern)


def test_every_other_page_under_an_application_is_named_so_no_section_can_hide_it():
    pages = {
        match.group(1) for route in routes(get_resolver().url_patterns)
        if (match := re.fullmatch(r"applications/<int:pk>/([a-z-]+)/", route))
    }
    assert pages == APPLICATION_PAGES


def test_a_page_beside_the_steps_is_answered_by_its_own_pattern_and_a_step_by_the_wizard():
    assert resolve("/applications/1/letters/").view_name == "grants:letters"
    assert resolve("/applications/1/withdraw/").view_name == "applications:withdraw"
    assert resolve("/applications/1/project/").view_name == "applications:step"
    assert resolve("/applications/1/any-section-a-round-has/").view_name == "applications:step"
