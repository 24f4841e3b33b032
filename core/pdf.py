"""Accessible PDFs with reportlab: real headings in the outline, selectable text, title and author metadata."""

from io import BytesIO

from django.conf import settings
from reportlab import rl_config
from reportlab.lib import colors
from reportlab.lib.enums import TA_LEFT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle, getSampleStyleSheet
from reportlab.lib.units import mm
from reportlab.lib.utils import simpleSplit
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import Flowable, SimpleDocTemplate, Table, TableStyle


# Compressed streams stay binary rather than ASCII85 text: smaller files, made in half the time.
rl_config.useA85 = 0


STANDARD_SIZE = 11
LARGE_PRINT_SIZE = 16  # large print is 16 point and up
MARGIN = 20 * mm
TEXT_WIDTH = A4[0] - 2 * MARGIN  # the width of the text between the margins


def print_styles(large_print: bool) -> dict[str, ParagraphStyle]:
    """The styles of a document in standard or large print."""
    return styles(LARGE_PRINT_SIZE if large_print else STANDARD_SIZE)


def styles(base_size: float = STANDARD_SIZE) -> dict[str, ParagraphStyle]:
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
    """A ruled table whose cells wrap their text to the column's width."""
    cells = [[para(str(value), text_style) for value in row] for row in rows]
    result = Table(cells, colWidths=col_widths, repeatRows=1 if header else 0)
    style = [
        ("GRID", (0, 0), (-1, -1), 0.5, colors.black),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("FONT", (0, 0), (-1, -1), text_style.fontName, text_style.fontSize, text_style.leading),
        ("FONT", (0, 0), (-1, 0) if header else (0, 0), "Helvetica-Bold", text_style.fontSize, text_style.leading),
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
        leftMargin=MARGIN,
        rightMargin=MARGIN,
        topMargin=MARGIN,
        bottomMargin=MARGIN,
        title=title,
        author=settings.FUNDER_NAME,
        subject=subject,
        creator=settings.SERVICE_NAME,
        lang="en-GB",
    )
    document.build(story)
    return buffer.getvalue()


def wrap_lines(text: str, font_name: str, font_size: float, width: float) -> list[str]:
    """Text broken into lines no wider than `width`: at spaces, and inside any word too long for a line.

    reportlab breaks only at spaces, so a long web address or a word typed without spaces ran off the page.
    """
    lines = []
    for block in text.split("\n"):
        for line in simpleSplit(block, font_name, font_size, width) or [""]:
            # simpleSplit puts two words on a line only when both fit, so only a line of one word can be too wide.
            while " " not in line and stringWidth(line, font_name, font_size) > width:
                fits = _characters_that_fit(line, font_name, font_size, width)
                lines.append(line[:fits])
                line = line[fits:]
            lines.append(line)
    return lines


def _characters_that_fit(line: str, font_name: str, font_size: float, width: float) -> int:
    used = 0.0
    for index, character in enumerate(line):
        used += stringWidth(character, font_name, font_size)
        if used > width:
            return max(index, 1)
    return len(line)


class TextBlock(Flowable):
    """Plain text wrapped to the frame's width and drawn as real, selectable text.

    Letters and copies of applications hold only plain text, so this does without Paragraph's markup parser:
    a letter is made several times faster, and nothing typed can ever be read as markup.
    """

    def __init__(self, text: str, style: ParagraphStyle, lines: list[str] | None = None):
        super().__init__()
        self.text, self.style, self.lines = text, style, lines
        self.spaceBefore, self.spaceAfter = style.spaceBefore, style.spaceAfter

    def _lines(self, width: float) -> list[str]:
        if self.lines is None:
            self.lines = wrap_lines(self.text, self.style.fontName, self.style.fontSize, width)
        return self.lines

    def wrap(self, available_width, available_height):
        self.width = available_width
        self.height = len(self._lines(available_width)) * self.style.leading
        return self.width, self.height

    def split(self, available_width, available_height):
        lines = self._lines(available_width)
        fits = int(available_height // self.style.leading)
        if fits <= 0 or fits >= len(lines):
            return []
        return [TextBlock(self.text, self.style, lines[:fits]), TextBlock(self.text, self.style, lines[fits:])]

    def draw(self):
        text = self.canv.beginText(0, self.height - self.style.fontSize)
        text.setFont(self.style.fontName, self.style.fontSize, self.style.leading)
        for line in self.lines:
            text.textLine(line)
        self.canv.drawText(text)

    def getPlainText(self) -> str:
        return self.text


def para(text: str, style: ParagraphStyle) -> TextBlock:
    """One paragraph of plain text, shown exactly as typed."""
    return TextBlock(text, style)


def paragraphs(text: str, style: ParagraphStyle) -> list[TextBlock]:
    """Plain text split into paragraphs at blank lines."""
    return [para(block, style) for block in text.split("\n\n") if block.strip()]
