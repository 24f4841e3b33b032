"""Accessible PDFs with reportlab: real headings in the outline, selectable text, title and author metadata."""

from io import BytesIO
from xml.sax.saxutils import escape

from django.conf import settings
from reportlab.lib import colors
from reportlab.lib.enums import TA_LEFT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle, getSampleStyleSheet
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, SimpleDocTemplate, Table, TableStyle


def styles(base_size: float = 11) -> dict[str, ParagraphStyle]:
    """Body text and headings in Helvetica (an Arial-like sans serif), scaled up together for large print."""
    sample = getSampleStyleSheet()
    scale = base_size / 11
    return {
        "body": ParagraphStyle("body", parent=sample["BodyText"], fontName="Helvetica", fontSize=base_size,
                               leading=base_size * 1.4, alignment=TA_LEFT, spaceAfter=base_size * 0.6),
        "h1": ParagraphStyle("h1", parent=sample["Heading1"], fontName="Helvetica-Bold", fontSize=22 * scale,
                             leading=27 * scale, spaceAfter=10 * scale),
        "h2": ParagraphStyle("h2", parent=sample["Heading2"], fontName="Helvetica-Bold", fontSize=16 * scale,
                             leading=20 * scale, spaceBefore=10 * scale, spaceAfter=6 * scale),
        "h3": ParagraphStyle("h3", parent=sample["Heading3"], fontName="Helvetica-Bold", fontSize=13 * scale,
                             leading=17 * scale, spaceBefore=6 * scale, spaceAfter=4 * scale),
        # Bold text that is not a heading, so it stays out of the outline (a letterhead, say).
        "strong": ParagraphStyle("strong", parent=sample["BodyText"], fontName="Helvetica-Bold", fontSize=base_size,
                                 leading=base_size * 1.4, spaceAfter=base_size * 0.6),
    }


class OutlinedDocument(SimpleDocTemplate):
    """Puts every heading into the PDF's outline (bookmarks), so screen readers and readers can navigate by it."""

    heading_levels = {"h1": 0, "h2": 1, "h3": 2}

    def afterFlowable(self, flowable):
        level = self.heading_levels.get(getattr(getattr(flowable, "style", None), "name", ""))
        if level is None:
            return
        key = f"heading-{id(flowable)}"
        self.canv.bookmarkPage(key)
        self.canv.addOutlineEntry(flowable.getPlainText(), key, level=level, closed=False)


def table(rows: list[list], col_widths: list[float], text_style: ParagraphStyle, header: bool = True) -> Table:
    cells = [[para(str(value), text_style) for value in row] for row in rows]
    result = Table(cells, colWidths=col_widths, repeatRows=1 if header else 0)
    style = [
        ("GRID", (0, 0), (-1, -1), 0.5, colors.black),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
    ]
    if header:
        style.append(("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#f3f2f1")))
    result.setStyle(TableStyle(style))
    return result


def render_pdf(*, title: str, subject: str, story: list) -> bytes:
    buffer = BytesIO()
    document = OutlinedDocument(
        buffer,
        pagesize=A4,
        leftMargin=20 * mm,
        rightMargin=20 * mm,
        topMargin=20 * mm,
        bottomMargin=20 * mm,
        title=title,
        author=settings.FUNDER_NAME,
        subject=subject,
        creator=settings.SERVICE_NAME,
        lang="en-GB",
    )
    document.build(story)
    return buffer.getvalue()


def para(text: str, style: ParagraphStyle) -> Paragraph:
    """One paragraph of plain text: anything that looks like markup is shown as typed."""
    return Paragraph(escape(text).replace("\n", "<br/>"), style)


def paragraphs(text: str, style: ParagraphStyle) -> list[Paragraph]:
    """Plain text split into paragraphs at blank lines."""
    return [para(block, style) for block in text.split("\n\n") if block.strip()]
