"""Spreadsheets with django-import-export: a round's outcomes out, and returns' figures in."""

from import_export import fields, resources

from applications.spreadsheets import export_file
from monitoring.outcomes import RoundOutcomes


class OutcomesResource(resources.Resource):
    """The dashboard's figures in one long table, ready for a pivot table: a row per group and indicator."""

    breakdown = fields.Field(attribute="breakdown", column_name="Breakdown")
    group = fields.Field(attribute="group", column_name="Group")
    code = fields.Field(attribute="indicator__code", column_name="Indicator code")
    indicator = fields.Field(attribute="indicator__name", column_name="Indicator")
    actual = fields.Field(attribute="actual", column_name="Actual")
    target = fields.Field(attribute="target", column_name="Target for the same quarters")

    def get_export_order(self):
        return list(self.fields)


def outcomes_sheet(outcomes: RoundOutcomes, file_format: str):
    return export_file(OutcomesResource().export(outcomes.export_rows()), file_format)
