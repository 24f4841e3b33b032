"""The ledger as a spreadsheet, with django-import-export: one row per award, with what was paid and when."""

from decimal import Decimal

from import_export import fields, resources

from core.spreadsheets import export_file
from grants.schedule import PENNY


class LedgerResource(resources.Resource):
    reference = fields.Field(attribute="application__reference", column_name="Reference")
    organisation = fields.Field(attribute="application__organisation__name", column_name="Organisation")
    status = fields.Field(attribute="get_status_display", column_name="Award status")
    amount = fields.Field(attribute="amount", column_name="Awarded (£)")
    paid = fields.Field(attribute="paid", column_name="Paid (£)")
    payments = fields.Field(column_name="Payments")

    def get_export_order(self):
        return list(self.fields)

    def dehydrate_paid(self, award) -> Decimal:
        # Summed by the database: SQLite gives the sum without its pence.
        return award.paid.quantize(PENNY)

    def dehydrate_payments(self, award) -> str:
        return "; ".join(
            f"part {t.number} £{t.amount} {t.get_status_display().lower()}"
            + (f" on {t.paid_on:%d %b %Y}" if t.paid_on else "")
            + (f" ({t.bank_reference or t.stripe_transfer_id})" if t.bank_reference or t.stripe_transfer_id else "")
            for t in award.payments
        )


def ledger_sheet(awards):
    """`awards` as `grants.selectors.ledger_awards` reads them."""
    return export_file(LedgerResource(), awards, "csv", title="Grants ledger")
