"""What every spreadsheet import and export shares, on top of django-import-export.

An import reads and checks every row first (a dry run). If any row is wrong, nothing is saved and each problem is
reported with its row number; only a clean sheet is then applied, through the same services as the web pages.
"""

from dataclasses import dataclass

from import_export.formats.base_formats import CSV, XLSX

# utf-8-sig reads the byte-order mark that Excel puts at the start of a CSV it saves.
FORMATS = {"xlsx": XLSX(), "csv": CSV(encoding="utf-8-sig")}


def export_file(dataset, file_format: str) -> tuple[bytes | str, str]:
    chosen = FORMATS[file_format]
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
        dataset = file_format.create_dataset(upload.read())
    except Exception:  # noqa: BLE001 - any unreadable file gets the same plain answer
        return [ImportProblem(0, "The file could not be read. Upload the sheet you downloaded, as XLSX or CSV.")]
    missing = [column for column in columns if column not in (dataset.headers or [])]
    if missing:
        return [ImportProblem(1, f"The sheet has no column called {', '.join(missing)}.")]
    result = resource.import_data(dataset, dry_run=True, raise_errors=False, use_transactions=True,
                                  rollback_on_validation_errors=True)
    problems = [ImportProblem(invalid.number + 1, "; ".join(invalid.error.messages)) for invalid in result.invalid_rows]
    problems += [ImportProblem(number + 1, "This row could not be read.") for number, _ in result.row_errors()]
    return sorted(problems, key=lambda problem: problem.row)
