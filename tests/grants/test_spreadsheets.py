from datetime import date

import pytest

from grants.payments import tranche_record_bacs
from grants.selectors import ledger_awards
from grants.services import award_accept
from grants.spreadsheets import ledger_sheet
from tests.factories import AwardFactory
from tests.formulae import FORMULAE, assert_shown_as_text, csv_cells

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("typed", FORMULAE)
def test_the_ledger_shows_an_organisation_name_that_looks_like_a_formula_as_text(programme_manager, typed):
    award = AwardFactory(application__organisation__name=typed)
    award_accept(award=award, name="A", role="Chair", acting_user=programme_manager)
    content, _ = ledger_sheet(ledger_awards(award.round))
    assert_shown_as_text(content, "csv", typed)


def test_the_ledger_lists_each_award_with_what_was_paid(programme_manager, finance_officer):
    award = AwardFactory()
    award_accept(award=award, name="A", role="Chair", acting_user=programme_manager)
    tranche_record_bacs(tranche=award.tranches.get(number=1), bank_reference="-BACS-1", paid_on=date(2027, 5, 2),
                        acting_user=finance_officer)
    cells = csv_cells(ledger_sheet(ledger_awards(award.round))[0])
    assert award.reference in cells and "2500.00" in cells
    assert "part 1 £2500.00 paid on 02 May 2027 (-BACS-1); part 2 £1250.00 scheduled; part 3 £1250.00 scheduled" in cells
