"""Figures worth keeping between requests, such as how many messages wait for a person, kept in the cache under a
generation that every change to what they count moves on, once that change is committed.

A figure is never served stale. A change moves its generation on once it is committed, so a figure worked out
before then, without the change, lands under a generation nobody reads again; a change rolled back moves nothing.
Inside a transaction a figure is always worked out afresh, neither read nor kept: it may count changes not yet
committed, or miss the transaction's own. A generation the cache has lost starts again at a value never used
before. In production every worker must share the cache (CACHE_URL), as the rate limits already require.
"""

import uuid

from django.core.cache import cache
from django.db import connection, transaction

# Messages sent, threads read and people joining an organisation: each changes someone's unread messages.
THREADS = "threads"

# A figure not asked for in this long is dropped, so the cache does not fill with figures nobody reads.
KEPT_SECONDS = 60 * 60


def _generation_key(name: str) -> str:
    return f"generation:{name}"


def generation(name: str) -> str:
    current = cache.get(_generation_key(name))
    if current is None:
        cache.add(_generation_key(name), uuid.uuid4().hex, timeout=None)
        current = cache.get(_generation_key(name))
    return current


def generation_move_on(name: str) -> None:
    """Once the change under way is committed (at once outside a transaction), every figure kept for `name` is
    worked out again when next asked for."""
    transaction.on_commit(lambda: cache.set(_generation_key(name), uuid.uuid4().hex, timeout=None))


def kept_figure(name: str, key: str, work_out):
    """The figure for `key` in the current generation of `name`, worked out by `work_out()` if not kept yet."""
    if connection.in_atomic_block:
        return work_out()
    cache_key = f"figure:{name}:{generation(name)}:{key}"
    figure = cache.get(cache_key)
    if figure is None:
        figure = work_out()
        cache.set(cache_key, figure, timeout=KEPT_SECONDS)
    return figure
