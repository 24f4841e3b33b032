import pytest

from accounts.models import Role
from assessment.models import Allocation, ConflictDeclaration, Interests
from assessment.permissions import interests_of, is_allocated_without_conflict
from assessment.services import conflict_declare
from tests.factories import ApplicationFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def allocation():
    assessor = UserFactory(role=Role.ASSESSOR)
    return Allocation.objects.create(application=ApplicationFactory(status="eligible"), assessor=assessor)


def test_an_assessor_who_has_not_declared_has_undeclared_interests_and_cannot_read(allocation):
    assert interests_of(allocation.assessor, allocation.application) is Interests.UNDECLARED
    assert not is_allocated_without_conflict(allocation.assessor, allocation.application)


def test_a_declared_conflict_keeps_the_application_hidden(allocation):
    conflict_declare(allocation=allocation, has_conflict=True, nature="I chair their board", acting_user=allocation.assessor)
    interests = interests_of(allocation.assessor, allocation.application)
    assert interests.declared and interests.conflicted and not interests.cleared
    assert not is_allocated_without_conflict(allocation.assessor, allocation.application)


def test_declaring_no_conflict_clears_the_assessor_to_read_it(allocation):
    conflict_declare(allocation=allocation, has_conflict=False, nature="", acting_user=allocation.assessor)
    assert interests_of(allocation.assessor, allocation.application).cleared
    assert is_allocated_without_conflict(allocation.assessor, allocation.application)


def test_another_assessors_declaration_says_nothing_about_this_one(allocation):
    colleague = UserFactory(role=Role.ASSESSOR)
    other = Allocation.objects.create(application=allocation.application, assessor=colleague)
    conflict_declare(allocation=other, has_conflict=False, nature="", acting_user=colleague)
    assert interests_of(allocation.assessor, allocation.application) is Interests.UNDECLARED


def test_only_panel_members_free_of_the_application_can_take_it():
    from assessment.permissions import assessors_who_can_take, why_cannot_take

    application = ApplicationFactory(status="eligible")
    free, given, conflicted, cleared, inactive = (
        UserFactory(role=Role.ASSESSOR, full_name=name) for name in ("Free", "Given", "Conflicted", "Cleared", "Left")
    )
    inactive.is_active = False
    inactive.save()
    off_panel = UserFactory(role=Role.ASSESSOR, full_name="Off panel")
    application.round.assessors.add(free, given, conflicted, cleared, inactive)
    Allocation.objects.create(application=application, assessor=given)
    ConflictDeclaration.objects.create(application=application, assessor=conflicted, has_conflict=True, nature="Trustee")
    ConflictDeclaration.objects.create(application=application, assessor=cleared, has_conflict=False)
    assert list(assessors_who_can_take(application)) == [cleared, free]
    assert why_cannot_take(free, application) == ""
    assert "already with Given" in why_cannot_take(given, application)
    assert "declared a conflict of interest" in why_cannot_take(conflicted, application)
    assert "not on this round's panel" in why_cannot_take(off_panel, application)
    assert "not on this round's panel" in why_cannot_take(inactive, application)
