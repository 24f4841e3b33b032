"""The sections of an application and whether each is complete: the task list, the wizard and sending all ask here.

An application asks for the organisation's details, then the round's own sections of questions, then the parts the
rest of the service computes on: where the project works and how much it asks for, outcome targets, the budget,
documents and declarations."""

from applications.models import Application, Round
from applications.selectors import application_sections, round_sections

SECTIONS_BEFORE = {"organisation": "Your organisation"}
SECTIONS_AFTER = {
    "request": "Boroughs and amount",
    "outcomes": "Outcomes and targets",
    "budget": "Budget",
    "documents": "Documents",
    "declarations": "Declarations",
}


def application_steps(round_: Round) -> dict[str, str]:
    """{step: title} in the order the application asks them."""
    return {**SECTIONS_BEFORE, **{section.slug: section.title for section in round_sections(round_)}, **SECTIONS_AFTER}


def section_statuses(application: Application) -> list[tuple[str, str, str, object]]:
    """(step, title, status, section) for the task list: Completed, In progress or Not started."""
    sections = application_sections(application)
    rows = []
    for step, title in application_steps(application.round).items():
        section = sections.get(step)
        status = "Not started" if section is None else "Completed" if section.completed_at else "In progress"
        rows.append((step, title, status, section))
    return rows


def incomplete_sections(application: Application) -> list[str]:
    """The titles of the sections still to complete, in the order the task list shows them."""
    return [title for _, title, status, _ in section_statuses(application) if status != "Completed"]
