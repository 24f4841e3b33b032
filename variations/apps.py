from django.apps import AppConfig


class VariationsConfig(AppConfig):
    name = "variations"

    def ready(self):
        # Registers the named permissions that templates ask with {% has_perm %}.
        from variations import permissions  # noqa: F401
        from core.audit import audit_actions_register
        from core.notifications import notification_kinds_register
        from core.templatetags.govuk import tag_colours_add
        from variations.audit import AuditAction
        from variations.notifications import KINDS

        # Words carry the meaning; the colour repeats it.
        tag_colours_add({"approved": "govuk-tag--green", "confirmed": "govuk-tag--green", "refused": "govuk-tag--red",
                         "waiting_second": "govuk-tag--turquoise"})
        audit_actions_register(AuditAction)
        notification_kinds_register(*KINDS)
