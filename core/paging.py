"""Long lists shown a page at a time, so a page takes as long with 20,000 rows behind it as with 20."""

from django.core.paginator import Page, Paginator

PAGE_SIZE = 100


def page_of(request, rows, size: int | None = None) -> Page:
    """The page of `rows` the address asks for (`?page=`): the last one for a number past the end, the first for
    anything that is not a number. `size` is the page size when a list differs from the usual one."""
    return Paginator(rows, size or PAGE_SIZE).get_page(request.GET.get("page"))
