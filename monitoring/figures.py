"""What a return gives for one indicator: one number, or a number for each of its parts (the boroughs a grant works
in, a category, or one of a survey's answers), whose total is their sum; a survey also says how many were asked."""

from collections.abc import Iterable
from dataclasses import dataclass

from applications.models import Borough, Indicator
from monitoring.models import IndicatorCount


@dataclass(frozen=True)
class Part:
    key: str  # as kept: a borough's GSS code, a category or an answer
    label: str  # as people read it


def indicator_parts(indicator: Indicator, boroughs: Iterable[Borough]) -> list[Part]:
    """The parts a return gives the indicator in, for a grant working in `boroughs`: none for one number, nor for
    one by borough when the grant's boroughs are not known, which is then not asked."""
    if indicator.kind == Indicator.Kind.BY_BOROUGH:
        return [Part(borough.gss_code, borough.name) for borough in boroughs]
    if indicator.is_split:
        return [Part(option, option) for option in indicator.options]
    return []


@dataclass(frozen=True)
class SplitFigure:
    """An indicator's figure given in parts ({part's key: count, or None when not given yet})."""

    parts: dict[str, int | None]
    asked: int | None = None  # a survey's: how many were asked

    @property
    def total(self) -> int | None:
        given = [value for value in self.parts.values() if value is not None]
        return sum(given) if given else None

    def over(self, saved: "SplitFigure") -> "SplitFigure":
        """These figures laid over those saved before, where a figure not given leaves the saved one as it is."""
        parts = {**saved.parts, **{key: value for key, value in self.parts.items() if value is not None}}
        return SplitFigure(parts, self.asked if self.asked is not None else saved.asked)


def split_figure_of(count) -> SplitFigure:
    """The parts saved for an IndicatorCount (with its parts prefetched); none for no count saved (None)."""
    if count is None:
        return SplitFigure({})
    return SplitFigure({part.part: part.value for part in count.parts.all()}, count.asked)


def over_saved_parts(counts: dict[tuple[int, int], int | SplitFigure]) -> dict[tuple[int, int], int | SplitFigure]:
    """The figures with each given in parts laid over the parts saved before."""
    split = {key: figure for key, figure in counts.items() if isinstance(figure, SplitFigure)}
    if not split:
        return counts
    saved = {(count.monitoring_return_id, count.indicator_id): split_figure_of(count)
             for count in IndicatorCount.objects.filter(monitoring_return_id__in={key[0] for key in split},
                                                        indicator_id__in={key[1] for key in split})
             .prefetch_related("parts")}
    return {**counts, **{key: figure.over(saved.get(key, SplitFigure({}))) for key, figure in split.items()}}


def total_of(figure: int | SplitFigure | None) -> int | None:
    return figure.total if isinstance(figure, SplitFigure) else figure
