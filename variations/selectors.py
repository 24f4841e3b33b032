"""Reads for variations: the grant as it stands (locked, when a variation is made), the variations waiting for a
programme manager, a grant's variations and its earlier versions."""

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from applications.models import BudgetLine, OutcomeTarget
from grants.models import Award, Tranche
from monitoring.models import Return
from variations.changes import GrantState
from variations.models import GrantVersion, Variation


def grant_state(award: Award, *, lock: bool = False) -> GrantState:
    """The rows a variation changes, with the award read again. With `lock`, each row is locked for the caller's
    transaction in the order the other services lock them (a return's review locks the return, then its payment part;
    a payment locks the part, then the award), so a variation waits for them, or they for it, and never deadlocks."""
    def rows(queryset: QuerySet) -> list:
        return list(queryset.select_for_update(of=("self",)) if lock else queryset)

    returns = rows(Return.objects.filter(award=award).order_by("quarter"))
    tranches = rows(Tranche.objects.filter(award=award).order_by("number"))
    return GrantState(
        award=rows(Award.objects.filter(pk=award.pk).select_related("round", "application__organisation"))[0],
        tranches=tranches,
        lines=rows(BudgetLine.objects.filter(application_id=award.application_id).order_by("position", "id")),
        targets=rows(OutcomeTarget.objects.filter(application_id=award.application_id).select_related("indicator")
                     .order_by("indicator__position", "indicator_id", "quarter")),
        returns=returns,
    )


def variations_with_grants() -> QuerySet[Variation]:
    return Variation.objects.select_related("award__application__organisation", "award__round", "requested_by",
                                            "approved_by", "confirmed_by", "refused_by")


def variations_waiting() -> QuerySet[Variation]:
    """Every variation waiting for a programme manager, oldest first: to decide, or to confirm."""
    return variations_with_grants().waiting().order_by("requested_at", "pk")


def variation_for_member_or_404(user, pk: int) -> Variation:
    """A variation of a grant the person's organisation holds, and whose offer letter told them of it."""
    return get_object_or_404(
        variations_with_grants().filter(award__in=Award.objects.told(),
                                        award__application__organisation__memberships__user=user), pk=pk)


def grant_version_number(award: Award) -> int:
    """The version in force: the first is the grant as accepted, each variation in force makes the next."""
    return GrantVersion.objects.filter(award=award).count() + 1
