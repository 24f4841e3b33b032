"""What the audit trail records about quarterly returns: each code, and the sentence shown for it, filled from the
event's data."""

from django.db import models


class AuditAction(models.TextChoices):
    RETURN_DUE = "return.due", "quarter {quarter} ended: return due"
    RETURN_SENT = "return.sent", "sent the quarter {quarter} return"
    RETURN_EARLY_ALLOWED = "return.early_allowed", "allowed the quarter {quarter} return to be sent before its quarter ends"
    RETURN_REVIEWED = "return.reviewed", "reviewed the quarter {quarter} return"
    FIGURES_IMPORTED = "return.figures_imported", "saved figures from a spreadsheet"
    POOR_RESPONSE_RECORDED = "return.poor_response_recorded", "recorded a poor police response in {police_area}, {month}"
    POOR_RESPONSE_CHANGED = "return.poor_response_changed", "changed a poor police response in {police_area}, {month}"
    POOR_RESPONSE_REMOVED = "return.poor_response_removed", "removed a poor police response in {police_area}, {month}"
    END_REPORT_SENT = "end_report.sent", "sent the end-of-grant report"
    END_REPORT_REVIEWED = "end_report.reviewed", "reviewed the end-of-grant report"
    PROGRAMME_REPORT_ISSUED = "round.programme_report_issued", "issued the programme report for quarter {quarter}"
