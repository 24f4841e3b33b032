"""Text a spreadsheet program would run as a formula, and the check that a downloaded sheet shows it as text."""

import csv
import io

import openpyxl

# OWASP's starting characters for CSV injection, each as someone might type it into a name or a reason.
FORMULAE = ['==HYPERLINK("http://x","y")', '+HYPERLINK("http://x","y")', "-1+1", "@SUM(A1)", "\t=1", "\r=1"]


def csv_cells(content) -> list[str]:
    text = content.decode("utf-8-sig") if isinstance(content, bytes) else content
    return [cell for row in csv.reader(io.StringIO(text, newline="")) for cell in row]


def xlsx_cells(content: bytes) -> list:
    sheet = openpyxl.load_workbook(io.BytesIO(content)).active
    return [cell for row in sheet.iter_rows() for cell in row]


def assert_shown_as_text(content, file_format: str, typed: str) -> None:
    """The typed text is in the sheet once neutralised with a leading quote, and never as a formula."""
    if file_format == "csv":
        cells = csv_cells(content)
        assert f"'{typed}" in cells, f"{typed!r} is not in the CSV with a leading quote"
        assert typed not in cells, f"{typed!r} is in the CSV as it was typed"
    else:
        cells = xlsx_cells(content)
        assert [cell.coordinate for cell in cells if cell.data_type == "f"] == []
        # An XML reader turns a carriage return into a line feed, whatever wrote it.
        matching = [cell for cell in cells if cell.value == f"'{typed}".replace("\r", "\n")]
        assert matching, f"{typed!r} is not in the XLSX with a leading quote"
        assert {cell.data_type for cell in matching} == {"s"}
