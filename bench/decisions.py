"""The decisions page and recording every proposal, for the ranking benchmark's round of 2,000 applications.

Targets: the decisions page's median at most 100 ms (it ranks the whole round once, for the proposals, where the
ranking page reads only its own rows; the ranking page's time is printed beside it), and recording the proposals for
all 2,000 applications at most 10 seconds, in one transaction.
"""

import statistics
import time

from _harness import django_on_a_temporary_database, finish, median_ms
from ranking import APPLICATIONS, seed

TARGET_MS = 100
TARGET_RECORD_MS = 10_000


def main():
    django_on_a_temporary_database()
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse

    from grants.models import Decision
    from tests.clients import signed_in_client

    from applications.models import Round
    from applications.services import round_status_change

    round_, manager = seed()
    # Decisions are made once the round has closed, after scoring.
    round_ = round_status_change(round_=round_, status=Round.Status.CLOSED, acting_user=manager, reason="Scored")
    client = signed_in_client(manager)
    ranking_url = reverse("assessment:ranking", kwargs={"pk": round_.pk})
    decisions_url = reverse("grants:decisions", kwargs={"pk": round_.pk})

    def load(url):
        response = client.get(url)
        assert response.status_code == 200, response.status_code

    load(decisions_url)
    with CaptureQueriesContext(connection) as queries:
        load(decisions_url)
    print(f"decisions: {APPLICATIONS} applications, {len(queries.captured_queries)} queries per page")
    # Taken in turns, so that whatever else the machine is doing weighs on both alike.
    timings = {ranking_url: [], decisions_url: []}
    for _ in range(9):
        for url, taken in timings.items():
            taken.append(median_ms(lambda: load(url), runs=1, warm_up=0))
    ranking_ms, decisions_ms = (statistics.median(taken) for taken in timings.values())
    print(f"decisions: page median {decisions_ms:.1f} ms, ranking page median {ranking_ms:.1f} ms")

    started = time.perf_counter()
    response = client.post(decisions_url)
    record_ms = (time.perf_counter() - started) * 1000
    assert response.status_code == 302 and Decision.objects.count() == APPLICATIONS, response.status_code
    print(f"decisions: recording {APPLICATIONS} proposals took {record_ms:.0f} ms (target <= {TARGET_RECORD_MS} ms)")

    finish(f"decisions: page median {decisions_ms:.1f} ms (target <= {TARGET_MS} ms), "
           f"recording {record_ms:.0f} ms (target <= {TARGET_RECORD_MS} ms)",
           decisions_ms <= TARGET_MS and record_ms <= TARGET_RECORD_MS)


if __name__ == "__main__":
    main()
