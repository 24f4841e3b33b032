from decimal import Decimal

import pytest
from django.db import connection
from django.utils import timezone

from applications.models import Application
from tests.factories import EligibilityCheckFactory

pytestmark = pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's limit on bound parameters")


@pytest.mark.django_db
def test_rows_written_in_bulk_keep_within_the_servers_limit_on_parameters():
    # An application left to its database default for one column is written one placeholder a value, not one
    # array a column: 4,000 of them, 20 values each, in one statement would pass the server 80,000 parameters.
    check = EligibilityCheckFactory()
    rows = 4000
    Application.objects.bulk_create(
        Application(round=check.round, organisation=check.organisation, eligibility_check=check,
                    status=Application.Status.WITHDRAWN, title=f"Project {n}", reference=f"BULK-{n:05d}",
                    amount_requested=Decimal(1000 + n), submitted_at=timezone.now())
        for n in range(rows)
    )
    assert Application.objects.count() == rows
