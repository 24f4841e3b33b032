"""The files grants offers for download, made by a background task because they grow with a round: the
360Giving file of its accepted grants and the payments ledger."""

from django.urls import reverse

from applications.models import Round
from core.exports import ExportFile, ExportKind
from grants import selectors
from grants.giving360 import as_csv, as_json, publishable_awards
from grants.spreadsheets import ledger_sheet

GIVING360_FORMATS = ("json", "csv")


def giving360_title(*, round_pk: int, file_format: str) -> str:
    return f"360Giving {file_format.upper()} file for {Round.objects.get(pk=round_pk).name}"


def giving360_build(*, round_pk: int, file_format: str) -> ExportFile:
    round_ = Round.objects.get(pk=round_pk)
    awards = publishable_awards(round_)
    if file_format == "json":
        content, content_type = as_json(awards), "application/json"
    else:
        content, content_type = as_csv(awards), "text/csv"
    return ExportFile(content, content_type, f"{round_.reference_prefix}-360giving.{file_format}")


def ledger_title(*, round_pk: int) -> str:
    return f"Payments ledger for {Round.objects.get(pk=round_pk).name}"


def ledger_build(*, round_pk: int) -> ExportFile:
    round_ = Round.objects.get(pk=round_pk)
    content, content_type = ledger_sheet(selectors.ledger_awards(round_))
    return ExportFile(content, content_type, f"{round_.reference_prefix}-ledger.csv")


def giving360_back(*, round_pk: int, file_format: str) -> tuple[str, str]:
    return "Back to the round", reverse("applications:manage_round", kwargs={"pk": round_pk})


def ledger_back(*, round_pk: int) -> tuple[str, str]:
    return "Back to the ledger", reverse("grants:ledger", kwargs={"pk": round_pk})


GIVING360 = ExportKind(name="grants.360giving", permission="grants.export_360giving",
                       title=giving360_title, build=giving360_build, back=giving360_back)
LEDGER = ExportKind(name="grants.ledger", permission="grants.export_ledger", title=ledger_title, build=ledger_build,
                    back=ledger_back)
