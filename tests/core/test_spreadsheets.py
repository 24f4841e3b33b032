import io
import time
import zipfile
from dataclasses import dataclass
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from import_export import fields, resources, widgets
from import_export.results import Result
import openpyxl
from openpyxl import Workbook

from core.spreadsheets import (
    MAX_ROWS,
    SheetRefused,
    cell_read,
    cell_safe,
    export_file,
    read_sheet,
    sheet_check,
    sheet_title,
)
from tests.formulae import FORMULAE, assert_shown_as_text, csv_cells, xlsx_cells

pytestmark = pytest.mark.django_db


@dataclass
class Line:
    name: str
    amount: Decimal | None


class LineResource(resources.Resource):
    name = fields.Field(attribute="name", column_name="Name")
    amount = fields.Field(attribute="amount", column_name="Amount (£)", widget=widgets.DecimalWidget())

    def get_export_order(self):
        return list(self.fields)


@pytest.mark.parametrize("typed", FORMULAE)
def test_text_a_spreadsheet_would_run_gets_a_leading_quote(typed):
    assert cell_safe(typed) == f"'{typed}"


@pytest.mark.parametrize("value", ["Tower Hamlets Forum", "", "A-1 = fine", "'quoted already", None, 3, Decimal("-12.50")])
def test_other_values_are_left_as_they_are(value):
    assert cell_safe(value) == value


@pytest.mark.parametrize("value", FORMULAE + ["Plain text", "'just a quote", Decimal("-1")])
def test_reading_a_sheet_back_undoes_the_quote(value):
    assert cell_read(cell_safe(value)) == value


@pytest.mark.parametrize("file_format", ["csv", "xlsx"])
@pytest.mark.parametrize("typed", FORMULAE)
def test_exports_show_formulae_as_text_in_csv_and_xlsx(typed, file_format):
    content, _ = export_file(LineResource(), [Line(typed, Decimal("10.00"))], file_format)
    assert_shown_as_text(content, file_format, typed)


def test_a_heading_is_neutralised_too():
    class Named(LineResource):
        def get_export_headers(self, selected_fields=None):
            return ["=1+1", "Amount (£)"]

    content, _ = export_file(Named(), [], "csv")
    assert csv_cells(content) == ["'=1+1", "Amount (£)"]


def test_a_negative_amount_stays_a_number_in_xlsx_and_csv():
    content, _ = export_file(LineResource(), [Line("Refund", Decimal("-12.50")), Line("Blank", None)], "xlsx")
    cells = {cell.coordinate: cell for cell in xlsx_cells(content)}
    assert (cells["B2"].value, cells["B2"].data_type) == (-12.5, "n")
    assert cells["B3"].value is None
    content, _ = export_file(LineResource(), [Line("Refund", Decimal("-12.50"))], "csv")
    assert csv_cells(content)[-1] == "-12.50"


def test_a_sheet_coming_back_in_is_read_without_the_quotes():
    content, _ = export_file(LineResource(), [Line("-2 for the van", Decimal("5.00"))], "csv")
    seen = []

    class Reader(LineResource):
        def import_data(self, dataset, **kwargs):
            seen.extend(dataset.dict)
            return Result()

    sheet_check(SimpleUploadedFile("lines.csv", content.encode("utf-8-sig")), Reader(), ["Name"])
    assert seen[0]["Name"] == "-2 for the van"


SHEET = "xl/worksheets/sheet1.xml"
TOO_BIG = "The sheet is too big. It must have 20,000 rows or fewer and be smaller than 5MB."


def xlsx(rows, name="scores.xlsx") -> SimpleUploadedFile:
    book = Workbook()
    for row in rows:
        book.active.append(row)
    out = io.BytesIO()
    book.save(out)
    return SimpleUploadedFile(name, out.getvalue())


def with_sheet_xml(upload, write_sheet) -> SimpleUploadedFile:
    """The same workbook with its first sheet's XML written by `write_sheet(stream)`."""
    original = zipfile.ZipFile(io.BytesIO(upload.read()))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as bomb:
        for member in original.infolist():
            if member.filename == SHEET:
                with bomb.open(SHEET, "w") as stream:
                    write_sheet(stream)
            else:
                bomb.writestr(member, original.read(member))
    return SimpleUploadedFile(upload.name, out.getvalue())


def many_rows(megabytes: int):
    row = b"".join(b'<c r="%s1" t="inlineStr"><is><t>score</t></is></c>' % column.encode() for column in "ABCD")

    def write(stream):
        stream.write(b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>')
        chunk = b"<row>" + row + b"</row>"
        block = chunk * (1024 * 1024 // len(chunk))
        for _ in range(megabytes):
            stream.write(block)
        stream.write(b"</sheetData></worksheet>")

    return write


def test_a_sheet_is_read_row_by_row_with_its_headings():
    dataset = read_sheet(xlsx([["Reference", "Score"], ["CATCH-1", 3], [None, None], ["CATCH-2", 4]]))
    assert dataset.headers == ["Reference", "Score"]
    assert list(dataset) == [("CATCH-1", 3), ("CATCH-2", 4)]


def test_a_csv_row_short_of_cells_is_filled_out_with_blanks():
    dataset = read_sheet(SimpleUploadedFile("scores.csv", "Reference,Score\nCATCH-1\n".encode("utf-8-sig")))
    assert list(dataset) == [("CATCH-1", None)]


def test_an_xlsx_that_unzips_to_far_more_than_any_real_sheet_is_refused_before_it_is_read():
    # About 30MB of cells squeezed into a few tens of kilobytes; reading it all used to take about a minute.
    bomb = with_sheet_xml(xlsx([["Reference"]]), many_rows(megabytes=30))
    assert bomb.size < 1024 * 1024
    started = time.process_time()
    with pytest.raises(SheetRefused) as refused:
        read_sheet(bomb)
    assert time.process_time() - started < 1
    assert refused.value.message == TOO_BIG


def test_an_xlsx_squeezed_far_tighter_than_a_real_sheet_is_refused_even_when_small_unzipped():
    bomb = with_sheet_xml(xlsx([["Reference"]]), many_rows(megabytes=5))
    with pytest.raises(SheetRefused) as refused:
        read_sheet(bomb)
    assert refused.value.message == TOO_BIG


@pytest.mark.parametrize("name", ["scores.csv", "scores.xlsx"])
def test_a_sheet_with_more_rows_than_allowed_is_refused(name):
    rows = [["Reference"]] + [[f"CATCH-{number}"] for number in range(MAX_ROWS + 1)]
    upload = xlsx(rows, name) if name.endswith("xlsx") else SimpleUploadedFile(
        name, "\n".join(row[0] for row in rows).encode()
    )
    with pytest.raises(SheetRefused) as refused:
        read_sheet(upload)
    assert refused.value.message == TOO_BIG


def test_a_sheet_that_claims_to_be_thousands_of_columns_wide_is_read_quickly():
    def write(stream):
        stream.write(b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
                     b'<dimension ref="A1:XFD20000"/><sheetData>'
                     b'<row r="1"><c r="A1" t="inlineStr"><is><t>Reference</t></is></c></row>'
                     b'<row r="20000"><c r="A20000" t="inlineStr"><is><t>CATCH-1</t></is></c></row>'
                     b"</sheetData></worksheet>")

    started = time.process_time()
    dataset = read_sheet(with_sheet_xml(xlsx([["Reference"]]), write))
    assert time.process_time() - started < 1
    assert dataset.headers == ["Reference"]
    assert list(dataset) == [("CATCH-1",)]


@pytest.mark.parametrize(
    ("name", "content"),
    [("scores.xlsx", b"not a zip"), ("scores.csv", b"\xff\xfe\x00bad"), ("scores.xlsx", b"PK\x05\x06" + b"\0" * 18)],
)
def test_a_file_that_is_not_a_sheet_gets_a_plain_answer(name, content):
    with pytest.raises(SheetRefused) as refused:
        read_sheet(SimpleUploadedFile(name, content))
    assert refused.value.message == "The file could not be read. Upload the sheet you downloaded, as XLSX or CSV."


def test_an_upload_over_the_size_limit_is_refused_unread():
    with pytest.raises(SheetRefused):
        read_sheet(SimpleUploadedFile("scores.csv", b"a\n" * (3 * 1024 * 1024)))


def test_an_xlsx_download_names_its_sheet_not_tablib_dataset():
    content, _ = export_file(LineResource(), [Line("Refund", Decimal("1.00"))], "xlsx", title="Scores: round 1/2")
    assert openpyxl.load_workbook(io.BytesIO(content)).sheetnames == ["Scores round 1 2"]
    content, _ = export_file(LineResource(), [], "xlsx")
    assert openpyxl.load_workbook(io.BytesIO(content)).sheetnames == ["Line"]


def test_a_sheet_title_is_one_excel_accepts():
    assert sheet_title("A" * 40) == "A" * 31
    assert sheet_title("[]:*?/\\") == "Sheet1"
