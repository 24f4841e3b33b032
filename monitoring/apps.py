from django.apps import AppConfig


class MonitoringConfig(AppConfig):
    name = "monitoring"

    def ready(self):
        # Registers the named permissions that templates ask with {% has_perm %}.
        from monitoring import permissions  # noqa: F401
        from core.audit import audit_actions_register
        from core.templatetags.govuk import tag_colours_add
        from grants.services import ACCEPTANCE_HOOKS
        from monitoring.audit import AuditAction
        from monitoring.services import returns_schedule
        from core.notifications import notification_kinds_register
        from monitoring.notifications import KINDS
        from applications.services import ROUND_STAGE_CHECKS
        from monitoring.selectors import round_returns_unfinished

        # An accepted offer gets its quarterly returns at once, in the same transaction as the acceptance.
        if returns_schedule not in ACCEPTANCE_HOOKS:
            ACCEPTANCE_HOOKS.append(returns_schedule)
        # A late return needs chasing; its tag says "Late" in words too.
        tag_colours_add({"late": "govuk-tag--red"})
        # A round moves on only when its work here is done.
        if round_returns_unfinished not in ROUND_STAGE_CHECKS:
            ROUND_STAGE_CHECKS.append(round_returns_unfinished)
        audit_actions_register(AuditAction)
        notification_kinds_register(*KINDS)
