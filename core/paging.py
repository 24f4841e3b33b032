"""Long lists are read a page at a time, the same number of rows on every page that lists applications or people."""

from django.core.paginator import Page, Paginator

PAGE_SIZE = 100


def page_of(request, items) -> Page:
    """The page the address asks for; a page number that is not a number or is past the end shows the nearest page,
    never an error."""
    return Paginator(items, PAGE_SIZE).get_page(request.GET.get("page"))
