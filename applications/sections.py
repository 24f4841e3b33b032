"""The sections of an application and whether each is complete: the task list, the wizard and sending all ask here."""

from applications.models import Application
from applications.selectors import application_sections

SECTION_TITLES = {
    "organisation": "Your organisation",
    "project": "Your project",
    "outcomes": "Outcomes and targets",
    "budget": "Budget",
    "documents": "Documents",
    "declarations": "Declarations",
}
SECTIONS = list(SECTION_TITLES)


def section_statuses(application: Application) -> list[tuple[str, str, str, object]]:
    """(step, title, status, section) for the task list: Completed, In progress or Not started."""
    sections = application_sections(application)
    rows = []
    for step in SECTIONS:
        section = sections.get(step)
        status = "Not started" if section is None else "Completed" if section.completed_at else "In progress"
        rows.append((step, SECTION_TITLES[step], status, section))
    return rows


def incomplete_sections(application: Application) -> list[str]:
    """The titles of the sections still to complete, in the order the task list shows them."""
    return [title for _, title, status, _ in section_statuses(application) if status != "Completed"]
