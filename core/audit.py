"""What audit codes mean: each app declares its actions and registers them here; an event stores its code and
figures, and its sentence is made from them when it is shown."""

import string

from django.db import models

from core.registries import registry_add
from core.templatetags.govuk import pounds


class AuditAction(models.TextChoices):
    # Sentences written before events had codes; the data migration keeps each one whole.
    LEGACY = "legacy", "{sentence}"


_SENTENCES: dict[str, str] = {}


def audit_actions_register(actions: type[models.TextChoices]) -> None:
    """Makes an app's actions known to the audit trail; called from its AppConfig.ready()."""
    registry_add(_SENTENCES, dict(actions.choices), what="Audit codes")


def audit_sentence(code: str, data: dict) -> str:
    """The plain-English sentence for a code, filled from its data; a code nobody declared is shown as itself."""
    sentence = _SENTENCES.get(code)
    if sentence is None:
        return code
    try:
        return _Sentences().format(sentence, **data)
    except (KeyError, IndexError, TypeError, ValueError, ArithmeticError):
        return code


class _Sentences(string.Formatter):
    """`{amount:pounds}` writes money as the pounds filter does: £1,250, or £1,250.50.
    `{added:count indicator}` counts something: 1 indicator, 1,200 indicators.
    `{changes:changes}` lists what changed, each as [what, before, after]: "the budget from £90,000 to £100,000"."""

    def format_field(self, value, format_spec: str) -> str:
        if format_spec == "pounds":
            return pounds(value)
        if format_spec == "changes":
            return "; ".join(f"{what} from {before} to {after}" for what, before, after in value)
        if format_spec.startswith("count "):
            noun = format_spec.removeprefix("count ")
            return f"{value:,} {noun}" if value == 1 else f"{value:,} {noun}s"
        return super().format_field(value, format_spec)
