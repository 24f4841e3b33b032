import pytest

from monitoring.suppression import published, suppressed, suppressed_grid


@pytest.mark.parametrize(("value", "shown"), [(0, "0"), (1, "<5"), (2, "<5"), (3, "<5"), (4, "<5"), (5, "5"),
                                              (6, "6"), (1234, "1,234")])
def test_a_figure_from_1_to_4_is_hidden_and_5_or_more_is_shown(value, shown):
    assert published(value) == shown
    assert suppressed([value]) == ([shown], None)


def test_a_hidden_figure_that_the_total_would_give_away_hides_the_smallest_beside_it():
    # 9 = 3 + 6: with 9 and 6 shown, the 3 could be worked out, so the 6 is hidden too.
    assert suppressed([3, 6], total=9) == (["<5", "<5"], "9")
    assert suppressed([3, 12, 6], total=21) == (["<5", "12", "<5"], "21")
    # A zero beside it is hidden rather than a larger figure: "<5" is still true of it.
    assert suppressed([3, 0, 12], total=15) == (["<5", "<5", "12"], "15")
    # Two hidden figures cannot be told apart; a small total is hidden with them.
    assert suppressed([3, 2, 12], total=17) == (["<5", "<5", "12"], "17")
    assert suppressed([3, 1], total=4) == (["<5", "<5"], "<5")
    assert suppressed([5, 6], total=11) == (["5", "6"], "11")


def test_hiding_one_figure_for_a_row_can_make_its_column_give_one_away_and_so_on():
    rows = [[3, 10], [7, 8]]
    shown, totals = suppressed_grid(rows, row_totals=[13, 15], column_totals=[10, 18])
    # 3 is small; its row then hides the 10, its column the 7; the 7's row hides the 8, and each column has two.
    assert shown == [["<5", "<5"], ["<5", "<5"]] and totals == ["13", "15"]
    for r, row in enumerate(shown):
        assert sum(cell == "<5" for cell in row) != 1
    for c in range(2):
        assert sum(shown[r][c] == "<5" for r in range(2)) != 1
