from django.core.paginator import Paginator
from django.template.loader import render_to_string
from django.test import RequestFactory


def pagination(query: str, number: int, **words) -> str:
    page = Paginator(range(250), 100).page(number)
    request = RequestFactory().get(f"/ranking/?{query}")
    return render_to_string("components/pagination.html", {"page": page, "label": "Pages of the ranking", **words},
                            request=request)


def test_pagination_links_keep_the_filters_in_the_address():
    html = pagination("borough=E09000030&page=2", 2)
    assert 'href="?borough=E09000030&amp;page=1" rel="prev"' in html
    assert 'href="?borough=E09000030&amp;page=3" rel="next"' in html
    assert "Page 2 of 3" in html


def test_pagination_has_no_previous_link_on_the_first_page_and_takes_its_own_words():
    html = pagination("", 1, previous="Newer", next="Older", unit="changes")
    assert 'rel="prev"' not in html
    assert 'Older<span class="govuk-visually-hidden"> changes</span>' in html


def test_a_single_page_shows_no_pagination():
    page = Paginator(range(5), 100).page(1)
    assert render_to_string("components/pagination.html", {"page": page}).strip() == ""
