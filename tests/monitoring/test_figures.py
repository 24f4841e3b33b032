import pytest

from applications.models import Borough
from monitoring.figures import Part, SplitFigure, indicator_parts, total_of
from tests.factories import IndicatorFactory

pytestmark = pytest.mark.django_db


def test_an_indicator_is_given_in_the_parts_its_kind_names():
    camden, islington = Borough.objects.get(name="Camden"), Borough.objects.get(name="Islington")
    assert indicator_parts(IndicatorFactory(), [camden]) == []
    assert indicator_parts(IndicatorFactory(kind="by_borough"), [camden, islington]) == [
        Part(camden.gss_code, "Camden"), Part(islington.gss_code, "Islington")]
    assert indicator_parts(IndicatorFactory(kind="by_category", options=["Home", "Street"]), [camden]) == [
        Part("Home", "Home"), Part("Street", "Street")]


def test_a_split_figure_totals_the_parts_given_and_lays_new_parts_over_saved_ones():
    assert SplitFigure({"Home": None, "Street": None}).total is None
    assert total_of(SplitFigure({"Home": 3, "Street": None})) == 3
    assert total_of(7) == 7 and total_of(None) is None
    saved = SplitFigure({"Home": 3, "Street": 4}, asked=10)
    assert SplitFigure({"Street": 6, "Online": None}).over(saved) == SplitFigure({"Home": 3, "Street": 6}, asked=10)
    assert SplitFigure({}, asked=12).over(saved).asked == 12
