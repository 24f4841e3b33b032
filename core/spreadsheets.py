"""What every spreadsheet import and export shares, on top of django-import-export.

An import reads and checks every row first (a dry run). If any row is wrong, nothing is saved and each problem is
reported with its row number; only a clean sheet is then applied, through the same services as the web pages.
"""

import csv
import io
import logging
import re
import zipfile
from collections.abc import Callable
from dataclasses import dataclass

import openpyxl
import tablib
from django.db import transaction
from django.utils import timezone
from import_export.formats.base_formats import CSV, XLSX

from core.refusals import ServiceError

logger = logging.getLogger(__name__)

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


# Characters a worksheet's name may not hold, and the longest name Excel accepts.
SHEET_TITLE_REFUSED = re.compile(r"[\[\]:*?/\\]")
SHEET_TITLE_LENGTH = 31


def sheet_title(title: str) -> str:
    """A worksheet name Excel accepts: without []:*?/\\ and at most 31 characters."""
    return " ".join(SHEET_TITLE_REFUSED.sub(" ", title).split())[:SHEET_TITLE_LENGTH].strip() or "Sheet1"


def export_file(resource, rows, file_format: str, *, title: str = "") -> tuple[bytes | str, str]:
    """Every spreadsheet staff download is made here. Values keep their type, so numbers are numbers in XLSX;
    every heading and text cell goes through `cell_safe`. The worksheet is named `title` (else after the resource),
    never tablib's "Tablib Dataset"."""
    chosen = FORMATS[file_format]
    exported = resource.export(rows, force_native_type=True)
    dataset = tablib.Dataset(*(tuple(map(cell_safe, row)) for row in exported),
                             headers=[cell_safe(heading) for heading in exported.headers],
                             title=sheet_title(title or _resource_title(resource)))
    return chosen.export_data(dataset), chosen.get_content_type()


def _resource_title(resource) -> str:
    words = re.findall(r"[A-Z][a-z]*", type(resource).__name__.removesuffix("Resource"))
    return " ".join(words).capitalize()


@dataclass
class ImportProblem:
    row: int
    message: str


# Limits that no real scoring or returns sheet comes near. An XLSX is a zip file: a few hundred kilobytes can
# unzip to gigabytes, so what it would unzip to is checked before anything is parsed.
MAX_UPLOAD_MEGABYTES = 5
MAX_UPLOAD_BYTES = MAX_UPLOAD_MEGABYTES * 1024 * 1024
MAX_UNZIPPED_BYTES = 20 * 1024 * 1024
MAX_COMPRESSION_RATIO = 100
MAX_ROWS = 20_000
MAX_COLUMNS = 50
UNREADABLE = "The file could not be read. Upload the sheet you downloaded, as XLSX or CSV."
TOO_BIG = f"The sheet is too big. It must have {MAX_ROWS:,} rows or fewer and be smaller than {MAX_UPLOAD_MEGABYTES}MB."


class SheetRefused(ServiceError):
    def __init__(self, message: str):
        self.message = message
        super().__init__(message)


def _zip_within_limits(data: bytes) -> None:
    try:
        members = zipfile.ZipFile(io.BytesIO(data)).infolist()
    except zipfile.BadZipFile:
        raise SheetRefused(UNREADABLE)
    unzipped = sum(member.file_size for member in members)
    compressed = sum(member.compress_size for member in members)
    if unzipped > MAX_UNZIPPED_BYTES or unzipped > MAX_COMPRESSION_RATIO * max(compressed, 1):
        raise SheetRefused(TOO_BIG)


def _xlsx_rows(data: bytes):
    _zip_within_limits(data)
    # zipfile stops at each member's declared size, so a member that lies about it cannot unzip further.
    book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    try:
        sheet = book.active
        # Each row is filled out to the width the sheet declares, so a false width must not be taken at its word.
        width = min(sheet.max_column or MAX_COLUMNS, MAX_COLUMNS)
        # The headings, the rows allowed, and one more to tell that there are too many.
        yield from sheet.iter_rows(max_row=MAX_ROWS + 2, max_col=width, values_only=True)
    finally:
        book.close()


def _csv_rows(data: bytes):
    # utf-8-sig reads the byte-order mark that Excel puts at the start of a CSV it saves.
    yield from csv.reader(io.StringIO(data.decode("utf-8-sig")))


def read_sheet(upload) -> tablib.Dataset:
    """The rows of an uploaded XLSX (its first sheet) or CSV, read one by one and refused beyond the limits.
    The first row gives the headings; blank rows are left out, and each row is cut or filled out to the headings.
    Cells quoted by `cell_safe` on the way out are read back without their quote."""
    if upload.size > MAX_UPLOAD_BYTES:
        raise SheetRefused(TOO_BIG)
    data = upload.read()
    rows = _xlsx_rows(data) if upload.name.lower().endswith(".xlsx") else _csv_rows(data)
    dataset = tablib.Dataset()
    try:
        for number, row in enumerate(rows):
            if number > MAX_ROWS:
                raise SheetRefused(TOO_BIG)
            if number == 0:
                headers = [cell_read(value) for value in row]
                while headers and headers[-1] in (None, ""):
                    headers.pop()
                dataset.headers = headers
            elif any(value not in (None, "") for value in row):
                cells = [cell_read(value) for value in row[: len(headers)]]
                dataset.append(cells + [None] * (len(headers) - len(cells)))
    except SheetRefused:
        raise
    except Exception:  # noqa: BLE001 - any unreadable file gets the same plain answer
        raise SheetRefused(UNREADABLE)
    return dataset


def sheet_check(upload, resource, columns: list[str]) -> list[ImportProblem]:
    """Reads an uploaded XLSX or CSV and runs every row through the resource without saving anything. Returns the
    problems, each with the row number a spreadsheet program shows (the headings are row 1)."""
    try:
        dataset = read_sheet(upload)
    except SheetRefused as refusal:
        return [ImportProblem(0, refusal.message)]
    missing = [column for column in columns if column not in (dataset.headers or [])]
    if missing:
        return [ImportProblem(1, f"The sheet has no column called {', '.join(missing)}.")]
    result = resource.import_data(dataset, dry_run=True, raise_errors=False, use_transactions=True,
                                  rollback_on_validation_errors=True)
    problems = [ImportProblem(invalid.number + 1, "; ".join(invalid.error.messages)) for invalid in result.invalid_rows]
    problems += [ImportProblem(number + 1, "This row could not be read.") for number, _ in result.row_errors()]
    return sorted(problems, key=lambda problem: problem.row)


def sheet_import_settle(sheet_import, *, check_and_save: Callable[..., tuple[int, list[ImportProblem]]]) -> None:
    """Settles a spreadsheet import that a background task has locked, all or nothing.

    `check_and_save(upload)` reads every row and, only when no row has a problem, saves them: it returns how many
    it saved and the problems. A refusal, or anything unexpected, saves nothing. The outcome is written in the
    caller's transaction, so a task run again after its worker was killed finds it settled and saves nothing twice;
    the file is removed once that commits.
    """
    try:
        with transaction.atomic(), sheet_import.spreadsheet.open("rb") as upload:
            sheet_import.saved, problems = check_and_save(upload)
    except ServiceError as error:
        problems = [ImportProblem(0, str(error))]
    except Exception:  # noqa: BLE001 - whatever went wrong, the person who uploaded it hears that nothing was saved
        logger.exception("Could not import %s", sheet_import)
        problems = [ImportProblem(0, "The sheet could not be checked. Upload it again; if this keeps happening, "
                                    "ask your technical team.")]
    outcome = type(sheet_import).Outcome
    sheet_import.outcome = outcome.REFUSED if problems else outcome.SAVED
    sheet_import.problems = [{"row": problem.row, "message": problem.message} for problem in problems]
    sheet_import.settled_at = timezone.now()
    sheet_import.save(update_fields=["outcome", "problems", "saved", "settled_at"])
    transaction.on_commit(sheet_import.spreadsheet.delete)
