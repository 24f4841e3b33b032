"""Makes 500 offer letters and reports the median time per letter, and its ratio to a bare one-page document.

Targets: at most 15 ms a letter, and at most 5 times a bare one-page reportlab document made in the same run.
"""

import statistics
import time

from _harness import django_on_a_temporary_database

LETTERS = 500
TARGET_MS = 15
TARGET_RATIO = 5


def timed_ms(action) -> float:
    started = time.perf_counter()
    action()
    return (time.perf_counter() - started) * 1000


def main():
    django_on_a_temporary_database()
    import sys
    from datetime import date, datetime, timezone
    from decimal import Decimal
    from io import BytesIO

    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import getSampleStyleSheet
    from reportlab.platypus import Paragraph, SimpleDocTemplate

    from grants.letters import Addressee, OfferContent, offer_letter_pdf

    contents = [
        OfferContent(
            reference=f"BEN-{n:04d}", round_name="Disability Hate Crime Victim Support Small Grants",
            project_title=f"Hate crime advocacy project {n}", amount=Decimal(2000 + n * 17),
            accept_by=datetime(2027, 5, 1, 11, 0, tzinfo=timezone.utc),
            addressee=Addressee(organisation=f"Disabled People's Group {n}", contact="Amara Okafor",
                                address="1 Mare Street, London, E8 1HR"),
            tranches=[(1, Decimal(50), Decimal(1000 + n), "When you accept this offer"),
                      (2, Decimal(25), Decimal(500), "When we accept your return for quarter 2"),
                      (3, Decimal(25), Decimal(500), "When we accept your return for quarter 4")],
            quarters=4, return_due_days=30, dated=date(2027, 4, 3),
        )
        for n in range(LETTERS)
    ]
    style = getSampleStyleSheet()["BodyText"]

    def bare_document():
        SimpleDocTemplate(BytesIO(), pagesize=A4).build([Paragraph("A one-page document.", style)])

    # Letters and bare documents take turns, so both are timed under the same conditions.
    for content in contents[:10]:
        offer_letter_pdf(content)
        bare_document()
    letter_times, bare_times = [], []
    for content in contents:
        letter_times.append(timed_ms(lambda: offer_letter_pdf(content)))
        bare_times.append(timed_ms(bare_document))
    letter_ms, bare_ms = statistics.median(letter_times), statistics.median(bare_times)
    ratio = letter_ms / bare_ms
    print(f"letters: {LETTERS} offer letters; a bare one-page document takes {bare_ms:.2f} ms")
    print(f"letters: median {letter_ms:.1f} ms (target <= {TARGET_MS} ms)")
    print(f"letters: ratio {ratio:.1f}x (target <= {TARGET_RATIO}x)")
    sys.exit(0 if letter_ms <= TARGET_MS and ratio <= TARGET_RATIO else 1)


if __name__ == "__main__":
    main()
