from dataclasses import dataclass
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from import_export import fields, resources, widgets
from import_export.results import Result

from core.spreadsheets import cell_read, cell_safe, export_file, sheet_check
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
