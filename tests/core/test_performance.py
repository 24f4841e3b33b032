import gc

from core.performance import without_cyclic_gc


def test_the_collector_is_paused_during_the_view_and_resumed_after_even_on_error():
    seen = []

    @without_cyclic_gc
    def view():
        seen.append(gc.isenabled())
        raise ValueError

    assert gc.isenabled()
    try:
        view()
    except ValueError:
        pass
    assert seen == [False]
    assert gc.isenabled()
