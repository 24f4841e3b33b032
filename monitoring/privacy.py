"""Finds what looks like personal data in a return's narrative, so the grantee can take it out before sending.

Returns hold counts, never who was supported. This looks for email addresses, phone numbers, postcodes, dates
of birth and likely personal names (monitoring/names.py); it cannot find every name, so the grantee is also asked to
check for names themselves.
"""

import re
from dataclasses import dataclass

from monitoring.names import names_in

# Every repetition is bounded, and the email pattern may only start where a run of address characters starts:
# an unbounded run tried from every position is quadratic, and a long run of digits took over a minute.
PATTERNS = [
    ("an email address", re.compile(r"(?<![\w.+-])[\w.+-]{1,64}@[\w-]{1,63}\.[\w.-]{1,190}")),
    ("a phone number", re.compile(r"(?<!\d)(?:\+44\s?\(?0?\)?|0)(?:\s?\d){9,10}(?!\d)")),
    ("a postcode", re.compile(r"\b[A-PR-UWYZ][A-HK-Y]?\d[A-Z\d]?\s?\d[ABD-HJLNP-UW-Z]{2}\b", re.IGNORECASE)),
    ("a date (it could be a date of birth)", re.compile(
        r"\b(?:d\.?o\.?b\.?|date of birth|born(?: on)?)\b[:\s]{0,10}\S{0,30}|\b\d{1,2}[/.-]\d{1,2}[/.-](?:19|20)\d{2}\b",
        re.IGNORECASE,
    )),
]


@dataclass(frozen=True)
class Finding:
    kind: str
    text: str
    field: str


def personal_data_in(fields: dict[str, str]) -> list[Finding]:
    """Each match in each named field; an empty list means nothing was found."""
    findings = []
    for field, text in fields.items():
        for kind, pattern in PATTERNS:
            for match in pattern.finditer(text or ""):
                findings.append(Finding(kind=kind, text=match.group(0).strip(), field=field))
        findings.extend(Finding(kind="a name", text=name, field=field) for name in names_in(text or ""))
    return findings
