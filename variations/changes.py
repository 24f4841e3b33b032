"""What a variation asks, checked against the grant as it stands: the rules every change must keep (the budget adds
up, the payment parts add up to the grant, nothing paid changes, the ringfence holds), the money it moves, the words
for each change, and the quarters of a grant whose end date moves. Pure arithmetic: the caller reads and locks the
rows."""

from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from dateutil.relativedelta import relativedelta

from applications.models import BudgetLine, OutcomeTarget, Round
from core.templatetags.govuk import govuk_date, pounds
from grants.models import Award, Tranche
from monitoring.models import Return

# A part of the grant may change until it is released or paid; a due one keeps what released it.
CHANGEABLE_TRANCHES = [Tranche.Status.SCHEDULED, Tranche.Status.DUE]
PAID_TRANCHES = [Tranche.Status.RELEASED, Tranche.Status.PAID]


@dataclass
class GrantState:
    """The grant as it stands, with the rows a variation changes."""

    award: Award
    lines: list[BudgetLine]
    targets: list[OutcomeTarget]
    tranches: list[Tranche]
    returns: list[Return]

    @property
    def paid(self) -> Decimal:
        """Released or paid already: money the grant can never go below."""
        return sum((t.amount for t in self.tranches if t.status in PAID_TRANCHES), Decimal(0))

    @property
    def budget_total(self) -> Decimal:
        return sum((line.amount for line in self.lines), Decimal(0))

    def snapshot(self) -> dict:
        """The grant as it stands, to keep as an earlier version: plain values only, as JSON holds them."""
        award = self.award
        return {
            "amount": str(award.amount),
            "starts_on": award.starts_on.isoformat() if award.starts_on else None,
            "ends_on": award.ends_on.isoformat() if award.ends_on else None,
            "budget": [{"id": line.pk, "what": str(line), "amount": str(line.amount)} for line in self.lines],
            "targets": [{"id": target.pk, "what": target.indicator.name, "quarter": target.quarter,
                         "target": target.target} for target in self.targets],
            "tranches": [{"number": t.number, "amount": str(t.amount), "when": when_released(t.after, t.after_quarter),
                          "status": t.get_status_display()} for t in self.tranches],
            "returns": [{"quarter": r.quarter, "period_start": r.period_start.isoformat(),
                         "period_end": r.period_end.isoformat(), "due_on": r.due_on.isoformat()} for r in self.returns],
        }


@dataclass
class Asked:
    """The changes a variation asks for, each as its new value; what does not change is left out."""

    budget: dict[int, Decimal] = field(default_factory=dict)
    ends_on: date | None = None
    targets: dict[int, int] = field(default_factory=dict)
    tranches: list[dict] = field(default_factory=list)  # {"number", "amount": Decimal, "quarter": int | None}
    amount_change: Decimal = Decimal(0)

    @property
    def is_empty(self) -> bool:
        return not (self.budget or self.ends_on or self.targets or self.tranches or self.amount_change)

    def as_stored(self) -> dict:
        """The fields of a Variation that hold it."""
        return {
            "budget": {str(pk): f"{amount:.2f}" for pk, amount in self.budget.items()},
            "ends_on": self.ends_on,
            "targets": {str(pk): value for pk, value in self.targets.items()},
            "tranches": [{"number": part["number"], "amount": f"{part['amount']:.2f}", "quarter": part["quarter"]}
                         for part in self.tranches],
            "amount_change": self.amount_change,
        }

    @classmethod
    def of(cls, variation) -> "Asked":
        return cls(
            budget={int(pk): Decimal(amount) for pk, amount in variation.budget.items()},
            ends_on=variation.ends_on,
            targets={int(pk): int(value) for pk, value in variation.targets.items()},
            tranches=[{"number": part["number"], "amount": Decimal(part["amount"]), "quarter": part["quarter"]}
                      for part in variation.tranches],
            amount_change=Decimal(variation.amount_change),
        )


def when_released(after: str, quarter: int | None) -> str:
    if after == "acceptance":
        return "On acceptance"
    if after == "end_report":
        return "After the end-of-grant report"
    return f"After the quarter {quarter} return"


def quarters_to(starts_on: date, ends_on: date) -> int:
    """How many quarters a grant from `starts_on` to `ends_on` reports on: each that starts before it ends."""
    quarters = 0
    while starts_on + relativedelta(months=3 * quarters) < ends_on:
        quarters += 1
    return quarters


def return_period(starts_on: date, ends_on: date, quarter: int, due_days: int) -> tuple[date, date, date]:
    """A quarter's start, end and due date; the last quarter ends with the grant."""
    start = starts_on + relativedelta(months=3 * (quarter - 1))
    end = min(starts_on + relativedelta(months=3 * quarter) - timedelta(days=1), ends_on)
    return start, end, end + timedelta(days=due_days)


def new_tranches(state: GrantState, asked: Asked) -> list[tuple[int, Decimal, int | None]]:
    """Every part of the grant once the variation is made: number, amount and the quarter releasing it (None for
    acceptance)."""
    changed = {part["number"]: part for part in asked.tranches}
    parts = [
        (t.number, changed[t.number]["amount"], changed[t.number]["quarter"]) if t.number in changed
        else (t.number, t.amount, t.after_quarter)
        for t in state.tranches
    ]
    known = {t.number for t in state.tranches}
    return parts + [(part["number"], part["amount"], part["quarter"]) for part in asked.tranches
                    if part["number"] not in known]


def problems(state: GrantState, asked: Asked, round_: Round, *, room: Decimal | None) -> list[str]:
    """What stops the variation being made to the grant as it stands, in words for the person asking or deciding;
    nothing when it can be made. `room` is what is left in the round's ringfence, when known."""
    if asked.is_empty:
        return ["Change at least one thing about the grant: the budget, the end date, a target, the payments or the "
                "total."]
    award, found = state.award, []
    lines = {line.pk: line for line in state.lines}
    if set(asked.budget) - set(lines):
        found.append("A budget line asked to change is not part of this grant.")
    elif asked.budget:
        if any(amount <= 0 for amount in asked.budget.values()):
            found.append("Each budget line must be more than £0.")
        total = sum((asked.budget.get(pk, line.amount) for pk, line in lines.items()), Decimal(0))
        if total != state.budget_total:
            found.append(f"The budget lines must still add up to {pounds(state.budget_total)}. With your changes they "
                         f"add up to {pounds(total)}.")
    ends_on = asked.ends_on or award.ends_on
    if asked.ends_on and award.ends_on and asked.ends_on <= award.ends_on:
        found.append(f"The new end date must be after the grant's end date, {govuk_date(award.ends_on)}.")
    targets = {target.pk for target in state.targets}
    if set(asked.targets) - targets:
        found.append("A target asked to change is not part of this grant.")
    amount = award.amount + asked.amount_change
    if amount <= 0:
        found.append("The grant must be more than £0.")
    elif amount < state.paid:
        found.append(f"The grant cannot be less than the {pounds(state.paid)} already paid.")
    if asked.amount_change > 0 and room is not None and asked.amount_change > room:
        found.append(f"Adding {pounds(asked.amount_change)} would go over the round's ringfence: only {pounds(room)} "
                     "is left.")
    found += _tranche_problems(state, asked, amount, quarters_to(award.starts_on, ends_on) if ends_on else 0)
    return found


def _tranche_problems(state: GrantState, asked: Asked, amount: Decimal, quarters: int) -> list[str]:
    found = []
    existing = {t.number: t for t in state.tranches}
    accepted = {r.quarter for r in state.returns if r.status == Return.Status.ACCEPTED}
    next_number = max(existing, default=0) + 1
    for part in asked.tranches:
        number, quarter = part["number"], part["quarter"]
        tranche = existing.get(number)
        if tranche is not None and tranche.status not in CHANGEABLE_TRANCHES:
            found.append(f"Part {number} has been {tranche.get_status_display().lower()}, so it cannot change.")
            continue
        if tranche is None and number != next_number:
            found.append(f"A new part of the grant is numbered {next_number}.")
            continue
        if tranche is None:
            next_number += 1
        if part["amount"] <= 0:
            found.append(f"Part {number} must be more than £0.")
        if tranche is not None and tranche.status == Tranche.Status.DUE:
            if quarter != tranche.after_quarter:
                found.append(f"Part {number} is due for payment now: only its amount can change.")
            continue
        if quarter is None and tranche is not None and tranche.after == "end_report":
            pass  # it still waits on the end-of-grant report
        elif quarter is None or not 1 <= quarter <= quarters:
            found.append(f"Part {number} must wait for the return of one of the grant's {quarters} quarters.")
        elif quarter in accepted:
            found.append(f"Part {number} would wait for the quarter {quarter} return, which has already been "
                         "accepted: choose a later quarter.")
    parts = new_tranches(state, asked)
    waiting = [quarter for number, _, quarter in parts
               if quarter is not None and (number not in existing or existing[number].status in CHANGEABLE_TRANCHES)]
    for quarter in sorted({q for q in waiting if waiting.count(q) > 1}):
        found.append(f"Two parts would be paid after the quarter {quarter} return: make them one part.")
    total = sum((part_amount for _, part_amount, _ in parts), Decimal(0))
    if total != amount:
        found.append(f"The parts of the grant must add up to the grant, {pounds(amount)}. With your changes they add "
                     f"up to {pounds(total)}.")
    return found


def money_moved(state: GrantState, asked: Asked) -> Decimal:
    """Money moved between budget lines (what some lines gain, which others lose) plus any change to the total."""
    lines = {line.pk: line.amount for line in state.lines}
    gained = sum((max(amount - lines.get(pk, amount), Decimal(0)) for pk, amount in asked.budget.items()), Decimal(0))
    return gained + abs(asked.amount_change)


def needs_second(state: GrantState, asked: Asked, round_: Round) -> bool:
    """Above the round's threshold, or a later end date where the round asks it, a second programme manager must
    confirm the approval."""
    if asked.ends_on and round_.variation_later_end_needs_second:
        return True
    return money_moved(state, asked) > state.award.amount * round_.variation_threshold / 100


def changes_in_words(state: GrantState, asked: Asked) -> list[list[str]]:
    """[what, before, after] for each change, as `{changes:changes}` in an audit sentence and the letter read them."""
    award, words = state.award, []
    if asked.amount_change:
        words.append(["the grant's total", pounds(award.amount), pounds(award.amount + asked.amount_change)])
    if asked.ends_on:
        words.append(["the end date", govuk_date(award.ends_on) if award.ends_on else "not set", govuk_date(asked.ends_on)])
    for line in state.lines:
        if line.pk in asked.budget:
            words.append([f"the budget for {line}", pounds(line.amount), pounds(asked.budget[line.pk])])
    for target in state.targets:
        if target.pk in asked.targets:
            words.append([f"the quarter {target.quarter} target for {target.indicator.name.lower()}",
                          f"{target.target:,}", f"{asked.targets[target.pk]:,}"])
    existing = {t.number: t for t in state.tranches}
    for part in asked.tranches:
        after = f"{pounds(part['amount'])}, {when_released('return', part['quarter']).lower()}"
        tranche = existing.get(part["number"])
        before = (f"{pounds(tranche.amount)}, {when_released(tranche.after, tranche.after_quarter).lower()}"
                  if tranche else "no such part")
        words.append([f"part {part['number']} of the payments", before, after])
    return words
