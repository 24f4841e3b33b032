"""Help for the few pages that work over a whole round at once."""

import gc
from functools import wraps


def without_cyclic_gc(view):
    """Pauses Python's cyclic garbage collector while the view runs.

    A ranking of thousands of applications makes tens of thousands of short-lived objects and no reference cycles;
    left running, the collector spends more time walking the heap than the ranking itself takes. Ordinary
    reference counting still frees everything; the collector resumes when the response is made.
    """

    @wraps(view)
    def wrapped(*args, **kwargs):
        collecting = gc.isenabled()
        gc.disable()
        try:
            return view(*args, **kwargs)
        finally:
            if collecting:
                gc.enable()

    return wrapped
