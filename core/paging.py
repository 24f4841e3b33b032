"""Long lists shown a page at a time, so a page takes as long with 20,000 rows behind it as with 20."""

from django.core.paginator import Page, Paginator

PAGE_SIZE = 100


def page_of(request, rows, size: int = PAGE_SIZE) -> Page:
    """The page of `rows` the address asks for (`?page=`): the last one for a number past the end, the first for
    anything that is not a number."""
    return Paginator(rows, size).get_page(request.GET.get("page"))
