"""The files assessment offers for download, made by a background task because they grow with a round: the
ranking with every application's answers and scores, narrowed by the same filters as the ranking page."""

from django.urls import reverse

from applications.models import Round
from assessment import selectors
from assessment.spreadsheets import ranking_sheet
from core.exports import ExportFile, ExportKind
from core.performance import without_cyclic_gc


def ranking_title(*, round_pk: int, file_format: str, filters: dict) -> str:
    narrowed = " (filtered)" if any(filters.values()) else ""
    return f"Ranking{narrowed} of {Round.objects.get(pk=round_pk).name} as {file_format.upper()}"


@without_cyclic_gc
def ranking_build(*, round_pk: int, file_format: str, filters: dict) -> ExportFile:
    round_ = Round.objects.get(pk=round_pk)
    content, content_type = ranking_sheet(selectors.ranking_for(round_, **filters), file_format)
    return ExportFile(content, content_type, f"{round_.reference_prefix}-ranking.{file_format}")


def ranking_back(*, round_pk: int, file_format: str, filters: dict) -> tuple[str, str]:
    return "Back to the ranking", reverse("assessment:ranking", kwargs={"pk": round_pk})


RANKING = ExportKind(name="assessment.ranking", permission="assessment.export_ranking",
                     title=ranking_title, build=ranking_build, back=ranking_back)
