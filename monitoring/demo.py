"""Last year's round, its grants part-way through, so the returns, review and outcome pages have something to show.

The demo applicant's organisation has a grant whose quarter 2 return waits for review; another group's grant has
quarters 1 and 2 accepted and its second payment due; a third group's quarter 2 return is late, and its
quarter 3 return may be sent before the quarter ends. The round's standard indicators say which is part of which
(police took the report, of the reports made), so the demo figures are ones that could be true. Each return
records a few poor police responses in its grant's police area, so the evidence packs have something to hold, and
the programme manager has issued the oversight committee's report on quarter 1, with each group's story of change.

Each grant is told in order, on the days it happened: the group's member sent the application and accepted the
offer, finance paid part 1, and only then did the group send its first return, after the quarter ended, for the
programme manager to review. Every audit event is dated and credited to the person who did the thing.
"""

from contextlib import contextmanager
from datetime import datetime, time, timedelta
from decimal import Decimal

from dateutil.relativedelta import relativedelta
from django.db.models import Max
from django.utils import timezone

from accounts.models import User
from applications.demo import (
    budget,
    demo_address,
    demo_member,
    eligibility_passed,
    project_answers,
    sections_complete,
)
from applications.models import Application, Borough, Organisation, Round
from applications.services import round_add_standard_indicators, round_add_standard_questions
from core.models import AuditEvent
from grants.models import Award, Decision, Letter, Tranche
from grants.clawbacks import clawback_propose
from grants.payments import tranche_record_bacs
from grants.schedule import acceptance_deadline
from grants.services import award_accept, letter_issue
from monitoring.figures import SplitFigure, indicator_parts
from monitoring.police import months_of
from monitoring.services import (
    poor_response_save,
    programme_report_issue,
    return_allow_early,
    return_review,
    return_save,
    return_submit,
    returns_mark_due,
    story_candidates,
)

DEMO_SITE_URL = "http://127.0.0.1:8000"
DEMO_ROUND_NAME = "Disability Hate Crime Victim Support Small Grants 2026"
MONTHS_UNDER_WAY = 8
# (organisation, boroughs, reference, amount, returns accepted, return waiting for review, its member)
DEMO_GRANTS = [
    ("Tower Hamlets Deaf and Disabled People's Forum", ["E09000030", "E09000012"], "DHC26-0001", "9000.00", [1], 2,
     ("Amara Okafor", "applicant@example.org")),
    ("Lambeth Disabled Survivors Network", ["E09000022"], "DHC26-0002", "7500.00", [1, 2], None,
     ("Tunde Bakare", "tunde.bakare@example.org")),
    ("Ealing Deaf Hate Crime Project", ["E09000009"], "DHC26-0003", "6000.00", [1], None,
     ("Marta Kowalska", "marta.kowalska@example.org")),
]
# Each group's story of change, told without anything that identifies anyone.
STORIES = [
    "A Deaf woman had been abused on her estate for months. With a BSL interpreter we booked, she reported it; the "
    "police recorded it as a hate crime and the abuse has stopped.",
    "A man with a learning disability was targeted online. Our caseworker helped him keep the evidence and report "
    "it, and he now feels able to use his phone again.",
    "A wheelchair user was refused help on a bus and then shouted at. We went with her to report it, and the bus "
    "company trained its drivers.",
]
TARGETS = {"victims_supported": 15, "reports_with_support": 8, "third_party_reports": 4, "referrals_catch": 5,
           "awareness_sessions": 2, "people_reached": 60, "volunteers": 4}


def seed(stdout) -> None:
    manager = User.objects.get(email="manager@example.org")
    finance = User.objects.get(email="finance@example.org")
    now = timezone.now()
    round_, created = Round.objects.get_or_create(
        reference_prefix="DHC26",
        defaults={"name": DEMO_ROUND_NAME, "summary": "Last year's round: grants under way and reporting quarterly.",
                  "status": Round.Status.CLOSED, "opens_at": now - timedelta(days=400),
                  "closes_at": now - timedelta(days=340), "budget": Decimal("100000.00"),
                  "minimum_award": Decimal("2000.00"), "maximum_award": Decimal("15000.00")},
    )
    if created:
        with happened_at(round_.opens_at - timedelta(days=14)):
            round_add_standard_questions(round_=round_, acting_user=manager)
            round_add_standard_indicators(round_=round_, acting_user=manager)
        for position, grant in enumerate(DEMO_GRANTS):
            _grant_under_way(round_, manager, finance, position, *grant)
        returns_mark_due()
        # The Ealing project's caseworker leaves before quarter 3 ends: its return may be sent early.
        return_allow_early(monitoring_return=Award.objects.get(application__reference="DHC26-0003").returns.get(quarter=3),
                           reason="Our caseworker leaves before the quarter ends, so we agreed the group reports "
                                  "on the quarter while she can still give the figures.", acting_user=manager)
        # Lambeth paid a venue for sessions that did not run: the manager asks the money back, and the second manager
        # has still to check it.
        clawback_propose(award=Award.objects.get(application__reference="DHC26-0002"), amount=Decimal("450.00"),
                         reason="The venue hire paid for in quarter 2 was for four sessions that did not run and the "
                                "venue refunded you.", acting_user=manager)
        # The oversight committee's report on the first quarter, telling every group's story.
        programme_report_issue(round_=round_, quarter=1, acting_user=manager,
                               story_returns=list(story_candidates(round_, 1).values_list("pk", flat=True)))
    stdout.write(f"Demo grants: {len(DEMO_GRANTS)} from {DEMO_ROUND_NAME}, with quarterly returns to review")


@contextmanager
def happened_at(when: datetime):
    """Dates the audit events recorded inside the block to when they happened in the story."""
    before = AuditEvent.objects.aggregate(last=Max("pk"))["last"] or 0
    yield
    AuditEvent.objects.filter(pk__gt=before).update(occurred_at=when)


def _on(day, hour: int = 10) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour)))


def _grant_under_way(round_, manager, finance, position, name, boroughs, reference, amount, accepted, waiting, person):
    organisation, _ = Organisation.objects.get_or_create(
        name=name, defaults={"legal_form": "cio", "charity_number": "1100000", **demo_address(name),
                             "contact_name": person[0],
                             "contact_email": person[1], "contact_phone": "02079460000"},
    )
    member = demo_member(organisation, *person)
    amount = Decimal(amount)
    starts_on = timezone.localdate() - relativedelta(months=MONTHS_UNDER_WAY)
    sent_at = round_.closes_at - timedelta(days=3 + position)
    offered_at = _on(starts_on - timedelta(days=14))
    accepted_at = _on(starts_on)

    application = Application.objects.create(
        round=round_, organisation=organisation, amount_requested=amount,
        eligibility_check=eligibility_passed(round_, organisation, boroughs),
    )
    application.boroughs.set(Borough.objects.filter(gss_code__in=boroughs))
    with happened_at(sent_at):
        sections_complete(application=application, acting_user=member, targets=TARGETS, budget_lines=budget(amount),
                          project=project_answers(f"Hate crime support with {name}",
                                                  Borough.objects.get(gss_code=boroughs[0]).name))
    # Sent, scored and awarded last year: the story starts after that, so those steps are set rather than replayed.
    Application.objects.filter(pk=application.pk).update(
        status=Application.Status.AWARDED, reference=reference, submitted_at=sent_at, submitted_by=member,
    )
    application.refresh_from_db()
    # Four eyes last year too: Erin proposed each grant and Hana, the second programme manager, confirmed it.
    Decision.objects.create(
        application=application, outcome=Decision.Outcome.FUND, amount=amount, proposed_outcome=Decision.Outcome.FUND,
        proposed_amount=amount, decided_by=manager, reason="Ranked within the ringfence by the panel.",
        status=Decision.Status.CONFIRMED, confirmed_by=User.objects.get(email="second.manager@example.org"),
        confirmed_at=offered_at,
    )
    # Offered and its letter issued today through the service, as for any grant (only then can the group accept),
    # then dated to when it happened.
    award = Award.objects.create(application=application, round=round_, amount=amount, offered_at=timezone.now())
    with happened_at(offered_at):
        letter_issue(application=application, acting_user=manager, site_url=DEMO_SITE_URL)
    with happened_at(accepted_at):
        award = award_accept(award=award, name=member.full_name, role="Director", acting_user=member)
    Letter.objects.filter(application=application).update(issued_at=offered_at)
    Award.objects.filter(pk=award.pk).update(
        offered_at=offered_at, accept_by=acceptance_deadline(offered_at, round_.offer_acceptance_days)
    )
    _started_on(award, starts_on, accepted_at)

    # Part 1 is paid within a week of accepting, long before the first return.
    with happened_at(_on(starts_on + timedelta(days=5), 11)):
        first = award.tranches.get(number=1)
        tranche_record_bacs(tranche=first, bank_reference=f"BACS-{reference}-1", paid_on=starts_on + timedelta(days=5),
                            acting_user=finance)
    Tranche.objects.filter(pk=first.pk).update(released_at=_on(starts_on + timedelta(days=5), 11))

    indicators = {indicator.code: indicator for indicator in round_.indicators.all()}
    lines = list(application.budget_lines.all())
    grant_boroughs = list(application.boroughs.order_by("name"))
    for quarter in [*accepted, *([waiting] if waiting else [])]:
        monitoring_return = award.returns.get(quarter=quarter)
        sent = _on(monitoring_return.period_end + timedelta(days=10 + position))
        counts = {indicator.pk: _split_figure(indicator, grant_boroughs, quarter, position) if indicator.is_split
                  else _figure(code, quarter, position) for code, indicator in indicators.items()}
        with happened_at(sent):
            _poor_responses(monitoring_return, grant_boroughs[0], member, count=2 + position + quarter)
            return_save(monitoring_return=monitoring_return, counts=counts,
                        spending={line.pk: line.amount * quarter / 5 for line in lines}, acting_user=member,
                        narrative={"what_changed": "More Disabled people reported hate crime with our support.",
                                   "case_study": STORIES[position],
                                   "challenges": "Some police officers did not know how to book a BSL interpreter."})
            return_submit(monitoring_return=monitoring_return, declarant_name=member.full_name, acting_user=member)
        award.returns.filter(pk=monitoring_return.pk).update(submitted_at=sent)
        if quarter in accepted:
            reviewed = sent + timedelta(days=4)
            with happened_at(reviewed):
                return_review(monitoring_return=monitoring_return, accept=True, comments="", acting_user=manager)
            award.returns.filter(pk=monitoring_return.pk).update(reviewed_at=reviewed)
            award.tranches.filter(after_quarter=quarter, status=Tranche.Status.DUE).update(due_at=reviewed)


# What went wrong when the police responded badly, in turn, with what the groups said about it: never who or where.
POOR_RESPONSES = [
    (["report_refused", "disablist_attitude"], "The officer said it was a neighbour dispute and would not take the "
                                               "report."),
    (["no_follow_up"], "No one from the police called back after the report, even after two emails."),
    (["not_hate_crime", "no_crime_reference"], "Recorded as anti-social behaviour although the victim said it was "
                                               "because of their disability."),
    (["disablist_attitude"], "The officer spoke to the carer instead of the Deaf victim and did not book an "
                             "interpreter."),
    (["no_crime_reference", "no_follow_up"], "The report was taken over the phone but no crime number came, and "
                                             "the victim gave up asking."),
    (["report_refused"], "The front desk said to report it online, though the victim cannot use the online form."),
    (["other"], "The victim was told to come back with a support worker before the report could be taken."),
    (["not_hate_crime"], "Recorded as a theft although the victim was called disablist names while it happened."),
]


def _poor_responses(monitoring_return, borough: Borough, member: User, count: int) -> None:
    """A few poor police responses in the grant's first borough's police area, in the quarter's months in turn,
    each told differently: a return never has as many as there are stories."""
    months = months_of(monitoring_return)[-3:]
    for number in range(count):
        problems, details = POOR_RESPONSES[number % len(POOR_RESPONSES)]
        poor_response_save(monitoring_return=monitoring_return, poor_response=None, acting_user=member, fields={
            "police_area": borough.police_area, "month": months[number % len(months)], "problems": problems,
            "details": details, "complaint_made": number % 3 == 0, "escalated": number % 2 == 0,
        })


def grant_moved_back(award: Award, shift: relativedelta) -> None:
    """Moves a grant and its quarters back in time by `shift`, as if it had started that much earlier: set rather
    than replayed, for the demo and for tests of returns whose quarters have ended."""
    Award.objects.filter(pk=award.pk).update(starts_on=award.starts_on - shift, ends_on=award.ends_on - shift)
    for monitoring_return in award.returns.all():
        monitoring_return.period_start -= shift
        monitoring_return.period_end -= shift
        monitoring_return.due_on -= shift
        monitoring_return.save(update_fields=["period_start", "period_end", "due_on"])
    award.refresh_from_db()


def _started_on(award: Award, starts_on, accepted_at: datetime) -> None:
    """Moves a grant accepted today back to the day it was accepted, with its quarters and part 1 falling due."""
    Award.objects.filter(pk=award.pk).update(accepted_at=accepted_at)
    grant_moved_back(award, relativedelta(days=(award.starts_on - starts_on).days))
    award.tranches.filter(status=Tranche.Status.DUE).update(due_at=accepted_at)


def _figure(code: str, quarter: int, position: int) -> int:
    """Plausible counts that differ by grant and quarter."""
    base = TARGETS.get(code, 3)
    return max(0, base - 4 + 3 * quarter + 2 * position)


def _split_figure(indicator, boroughs, quarter: int, position: int) -> SplitFigure:
    """The reports made, shared out unevenly over the boroughs, places or types; or a survey of half the victims
    supported, a little more satisfied each quarter."""
    parts = [part.key for part in indicator_parts(indicator, boroughs)]
    if indicator.is_survey:
        asked = _figure("victims_supported", quarter, position) // 2
        total, weights = asked - quarter % 2, [2 + quarter, 2, 3 - quarter % 3][:len(parts)]
    else:
        asked, total, weights = None, _figure("reports_with_support", quarter, position), list(range(len(parts), 0, -1))
    shares = [total * weight // sum(weights) for weight in weights]
    shares[0] += total - sum(shares)
    return SplitFigure(dict(zip(parts, shares)), asked)
