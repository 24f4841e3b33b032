"""Kept figures are only read and kept outside transactions, so these tests run without the one each test has."""

import pytest
from django.core.cache import cache
from django.db import transaction

from core.generations import generation, generation_move_on, kept_figure

pytestmark = pytest.mark.django_db(transaction=True)


class Counter:
    """A figure that says how often it was worked out."""

    def __init__(self):
        self.times = 0

    def __call__(self) -> int:
        self.times += 1
        return self.times


def test_a_figure_is_worked_out_once_until_its_generation_moves_on():
    work_out = Counter()
    assert kept_figure("things", "a", work_out) == kept_figure("things", "a", work_out) == 1
    generation_move_on("things")
    assert kept_figure("things", "a", work_out) == 2


def test_each_key_and_each_name_keeps_its_own_figure():
    work_out = Counter()
    kept_figure("things", "a", work_out)
    assert kept_figure("things", "b", work_out) == 2
    assert kept_figure("other-things", "a", work_out) == 3
    generation_move_on("other-things")
    assert kept_figure("things", "a", work_out) == 1


def test_a_generation_the_cache_lost_never_comes_back():
    before = generation("things")
    kept_figure("things", "a", lambda: "before")
    cache.delete("generation:things")
    assert generation("things") != before
    assert kept_figure("things", "a", lambda: "after") == "after"


def test_a_figure_worked_out_before_the_change_is_committed_is_not_kept_after():
    with transaction.atomic():
        generation_move_on("things")
        # Another request, not seeing the change yet, works the figure out and keeps it.
        key = f"figure:things:{generation('things')}:a"
        cache.set(key, "without the change")
    assert kept_figure("things", "a", lambda: "with the change") == "with the change"


def test_a_change_rolled_back_keeps_the_figures_kept():
    kept_figure("things", "a", lambda: "as it is")
    with pytest.raises(RuntimeError), transaction.atomic():
        generation_move_on("things")
        raise RuntimeError
    assert kept_figure("things", "a", lambda: "worked out again") == "as it is"


def test_inside_a_transaction_a_figure_is_always_worked_out_and_never_kept():
    kept_figure("things", "a", lambda: "kept")
    with transaction.atomic():
        assert kept_figure("things", "a", lambda: "uncommitted") == "uncommitted"
    assert kept_figure("things", "a", lambda: "worked out again") == "kept"
