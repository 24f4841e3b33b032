"""A PDF copy of an application's answers, for the applicant's records and for assessors who prefer paper."""

from django.utils import timezone
from reportlab.lib.units import mm

from applications.models import Application, DocumentKind
from applications.questions import answered_sections
from core.pdf import para, paragraphs, render_pdf, styles, table
from core.templatetags.govuk import govuk_date, govuk_datetime, pounds

def application_pdf(application: Application) -> bytes:
    """`application` should come from selectors.application_with_answers, so this reads only the round's questions."""
    style = styles()
    body, h1, h2 = style["body"], style["h1"], style["h2"]
    organisation = application.organisation
    story = [
        para(f"Application {application.reference or '(not yet sent)'}", h1),
        para(f"{application.title or 'Untitled project'} by {organisation.name}", body),
        para(f"Round: {application.round.name}", body),
    ]
    if application.submitted_at:
        story.append(para(f"Sent on {govuk_datetime(application.submitted_at)} by {application.submitted_by}", body))

    story.append(para("Your organisation", h2))
    story.append(table(
        [
            ["Name", organisation.name],
            ["Kind of organisation", organisation.get_legal_form_display() or "Not given"],
            ["Registration numbers", organisation.registration_numbers],
            ["Address", organisation.address.replace("\n", ", ")],
            ["Main contact", organisation.main_contact],
        ],
        [50 * mm, 120 * mm], body, header=False,
    ))

    for section, rows in answered_sections(application):
        story.append(para(section.title, h2))
        for row in rows:
            story.append(para(row.label, style["h3"]))
            if row.recording:
                story.append(para(f"Answered in a video or audio recording: {row.recording.original_name}", body))
                if row.recording.transcript:
                    story.append(para("Transcript of the recording:", body))
                    story.extend(paragraphs(row.recording.transcript, body))
            story.extend(paragraphs(row.words, body) or [para("No written answer.", body)])

    story.append(para("Boroughs and amount", h2))
    story.append(para(f"Amount requested: {pounds(application.amount_requested) if application.amount_requested else 'Not given'}", body))
    story.append(para(f"Boroughs: {', '.join(b.name for b in application.boroughs.all()) or 'None given'}", body))

    story.append(para("Outcomes and targets", h2))
    targets = list(application.targets.all())
    if targets:
        quarters = sorted({target.quarter for target in targets})
        by_indicator: dict[str, dict[int, int]] = {}
        for target in targets:
            by_indicator.setdefault(target.indicator.name, {})[target.quarter] = target.target
        rows = [["Indicator", *[f"Q{quarter}" for quarter in quarters]]]
        rows += [[name, *[values.get(quarter, "") for quarter in quarters]] for name, values in by_indicator.items()]
        story.append(table(rows, [70 * mm] + [100 * mm / len(quarters)] * len(quarters), body))
    else:
        story.append(para("No targets given yet.", body))

    story.append(para("Budget", h2))
    lines = list(application.budget_lines.all())
    if lines:
        rows = [["Type of cost", "What it is for", "Amount"]]
        rows += [[line.get_category_display(), line.description, pounds(line.amount)] for line in lines]
        rows.append(["Total", "", pounds(sum(line.amount for line in lines))])
        story.append(table(rows, [55 * mm, 85 * mm, 30 * mm], body))
    else:
        story.append(para("No budget lines given yet.", body))

    story.append(para("Documents", h2))
    documents = {document.kind: document for document in application.documents.all()}
    for kind in DocumentKind:
        if kind in documents:
            story.append(para(f"{kind.label}: {documents[kind].original_name}", body))

    story.append(para("Declarations", h2))
    if application.declared_on:
        story.append(para(
            f"Declared by {application.declarant_name}, {application.declarant_role}, on {govuk_date(application.declared_on)}.",
            body,
        ))
    else:
        story.append(para("Not yet made.", body))
    story.append(para(f"Printed on {govuk_datetime(timezone.now())}.", body))
    return render_pdf(
        title=f"Application {application.reference}: {application.title}" if application.reference
        else f"Draft application: {application.title}",
        subject=f"Grant application to {application.round.name}",
        story=story,
    )

