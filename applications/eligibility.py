"""The round's eligibility rules applied to an organisation's answers, with a plain-English reason for each failure."""

from decimal import Decimal

from applications.models import Round
from core.templatetags.govuk import pounds


def _share(part: int, whole: int) -> Decimal:
    return Decimal(part) * 100 / Decimal(whole) if whole else Decimal(0)


def _percent(part: int, whole: int) -> str:
    """For reading only: the rule itself compares the exact share, so 74.6% does not pass as 75%."""
    return f"{_share(part, whole).quantize(Decimal('1'))}%"


def eligibility_failures(round_: Round, answers: dict) -> list[str]:
    """Each rule the answers do not meet, in the words the applicant will read. An empty list means eligible."""
    failures = []
    board, disabled_board = answers["board_size"], answers["disabled_board_members"]
    if _share(disabled_board, board) < round_.minimum_disabled_board_share:
        failures.append(
            f"At least {round_.minimum_disabled_board_share}% of your board or management committee must be Disabled "
            f"people. You told us {disabled_board} of {board} are ({_percent(disabled_board, board)})."
        )
    if round_.requires_disabled_leader and not answers["leader_is_disabled"]:
        failures.append("Your chair or chief officer must be a Disabled person.")
    staff, disabled_staff = answers.get("staff_count"), answers.get("disabled_staff_count")
    # A group with no paid staff is run by its members, so the staff rule has nothing to measure.
    if round_.minimum_disabled_staff_share is not None and staff:
        if _share(disabled_staff, staff) < round_.minimum_disabled_staff_share:
            failures.append(
                f"At least {round_.minimum_disabled_staff_share}% of your staff must be Disabled people. "
                f"You told us {disabled_staff} of {staff} are ({_percent(disabled_staff, staff)})."
            )
    if not answers["boroughs"]:
        failures.append("Your organisation must work in at least one London borough.")
    income = Decimal(answers["annual_income"])
    if income >= round_.income_cap:
        failures.append(
            f"Your yearly income must be under {pounds(round_.income_cap)}. You told us it was {pounds(income)}."
        )
    if round_.requires_safeguarding_policy and not answers["has_safeguarding_policy"]:
        failures.append(
            "You must have a safeguarding policy. Your local council for voluntary service can help you write one."
        )
    if round_.requires_governing_document and not answers["has_governing_document"]:
        failures.append("You must have a governing document, such as a constitution or articles of association.")
    return failures


def is_disabled_led(answers: dict) -> bool:
    """Whether an organisation is led by Disabled people, from its eligibility answers: most of its board, and its
    chair or chief officer, are Disabled people."""
    board = answers.get("board_size") or 0
    return bool(board) and answers.get("disabled_board_members", 0) * 2 > board and bool(
        answers.get("leader_is_disabled"))
