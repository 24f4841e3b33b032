"""What every spreadsheet import and export shares, on top of django-import-export.

An import reads and checks every row first (a dry run). If any row is wrong, nothing is saved and each problem is
reported with its row number; only a clean sheet is then applied, through the same services as the web pages.
"""

from dataclasses import dataclass

import tablib
from import_export.formats.base_formats import CSV, XLSX

# utf-8-sig reads the byte-order mark that Excel puts at the start of a CSV it saves.
FORMATS = {"xlsx": XLSX(), "csv": CSV(encoding="utf-8-sig")}

# Text starting with one of these is run as a formula by spreadsheet programs (OWASP's list for CSV injection).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def cell_safe(value):
    """Text a spreadsheet would run as a formula gets a leading quote, so it is shown as the text it is, in CSV and
    XLSX alike. Numbers, dates and blanks are left as they are: a negative amount stays a number."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return f"'{value}"
    return value


def cell_read(value):
    """Undoes `cell_safe` for a sheet that comes back in, so a reason written as "- strong evidence" keeps its text."""
    if isinstance(value, str) and value.startswith("'") and value[1:].startswith(FORMULA_STARTS):
        return value[1:]
    return value


def export_file(resource, rows, file_format: str) -> tuple[bytes | str, str]:
    """Every spreadsheet staff download is made here. Values keep their type, so numbers are numbers in XLSX;
    every heading and text cell goes through `cell_safe`."""
    chosen = FORMATS[file_format]
    exported = resource.export(rows, force_native_type=True)
    dataset = tablib.Dataset(*(tuple(map(cell_safe, row)) for row in exported),
                             headers=[cell_safe(heading) for heading in exported.headers])
    return chosen.export_data(dataset), chosen.get_content_type()


@dataclass
class ImportProblem:
    row: int
    message: str


def sheet_check(upload, resource, columns: list[str]) -> list[ImportProblem]:
    """Reads an uploaded XLSX or CSV and runs every row through the resource without saving anything. Returns the
    problems, each with the row number a spreadsheet program shows (the headings are row 1)."""
    file_format = FORMATS["xlsx" if upload.name.lower().endswith(".xlsx") else "csv"]
    try:
        read = file_format.create_dataset(upload.read())
    except Exception:  # noqa: BLE001 - any unreadable file gets the same plain answer
        return [ImportProblem(0, "The file could not be read. Upload the sheet you downloaded, as XLSX or CSV.")]
    dataset = tablib.Dataset(*(tuple(map(cell_read, row)) for row in read),
                             headers=[cell_read(heading) for heading in read.headers] if read.headers else None)
    missing = [column for column in columns if column not in (dataset.headers or [])]
    if missing:
        return [ImportProblem(1, f"The sheet has no column called {', '.join(missing)}.")]
    result = resource.import_data(dataset, dry_run=True, raise_errors=False, use_transactions=True,
                                  rollback_on_validation_errors=True)
    problems = [ImportProblem(invalid.number + 1, "; ".join(invalid.error.messages)) for invalid in result.invalid_rows]
    problems += [ImportProblem(number + 1, "This row could not be read.") for number, _ in result.row_errors()]
    return sorted(problems, key=lambda problem: problem.row)
