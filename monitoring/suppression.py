"""Small numbers are kept from anything that leaves the funder's staff (evidence packs, published reports, public
files): a figure from 1 to 4 shows as "<5", and so does any figure that would let one be worked out from a total
shown beside it. Zero is shown: it tells no one anything about a person. Staff pages show the true figures, marked as
not for publication."""

SUPPRESSED = "<5"
SMALLEST_SHOWN = 5


def is_small(value: int) -> bool:
    return 0 < value < SMALLEST_SHOWN


def published(value: int) -> str:
    """One figure on its own (a total, say) as it may be published."""
    return SUPPRESSED if is_small(value) else f"{value:,}"


def suppressed(cells: list[int], total: int | None = None) -> tuple[list[str], str | None]:
    """The cells of a row (and the total they add up to, if it is shown) as they may be published."""
    [shown], totals = suppressed_grid([cells], row_totals=[total] if total is not None else None)
    return shown, totals[0] if totals else None


def suppressed_grid(rows: list[list[int]], row_totals: list[int] | None = None,
                    column_totals: list[int] | None = None) -> tuple[list[list[str]], list[str] | None]:
    """A table of counts as it may be published, with the totals of its rows (if shown; returned as published),
    given the totals of its columns (if shown: each as `published`). Small figures are hidden; then, while a shown total has exactly one hidden figure in its row or column,
    the smallest figure shown beside it is hidden too, so that no hidden figure can be worked out by subtraction."""
    hidden = [[is_small(value) for value in row] for row in rows]
    lines = []  # (cells of one row or column, its total)
    if row_totals is not None:
        lines += [([(r, c) for c in range(len(row))], total) for r, (row, total) in enumerate(zip(rows, row_totals))]
    if column_totals is not None and rows:
        lines += [([(r, c) for r in range(len(rows))], total) for c, total in enumerate(column_totals)]
    changed = True
    while changed:
        changed = False
        for cells, total in lines:
            if is_small(total):
                continue  # the total is hidden too, so nothing can be subtracted from it
            hidden_here = [cell for cell in cells if hidden[cell[0]][cell[1]]]
            shown_here = [cell for cell in cells if not hidden[cell[0]][cell[1]]]
            if len(hidden_here) == 1 and shown_here:
                r, c = min(shown_here, key=lambda cell: rows[cell[0]][cell[1]])
                hidden[r][c], changed = True, True
    shown = [[SUPPRESSED if hidden[r][c] else f"{value:,}" for c, value in enumerate(row)] for r, row in
             enumerate(rows)]
    return shown, [published(total) for total in row_totals] if row_totals is not None else None
