"""The address of a page that takes no arguments, found once per process rather than on every request: every page's
header and footer carry a dozen such links, and finding each again cost a tenth of a signed-in page's time.

The key holds everything reverse() reads besides the name, the URL configuration in force and the script prefix, so
a test that swaps either, or a server mounted under a prefix, still gets the right address. Each of the project's
URL namespaces has a single instance, so the current app, which picks between instances, never changes the answer.
"""

from functools import cache

from django.conf import settings
from django.urls import get_script_prefix, get_urlconf, reverse


def fixed_url(name: str) -> str:
    return _fixed_url(get_urlconf() or settings.ROOT_URLCONF, get_script_prefix(), name)


@cache
def _fixed_url(urlconf: str, script_prefix: str, name: str) -> str:
    return reverse(name, urlconf=urlconf)
