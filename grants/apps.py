from django.apps import AppConfig


class GrantsConfig(AppConfig):
    name = "grants"

    def ready(self):
        # Registers the named permissions that templates ask with {% has_perm %}.
        from grants import permissions  # noqa: F401
        from applications.services import COMMITMENT_SOURCES
        from core.audit import audit_actions_register
        from core.templatetags.govuk import tag_colours_add
        from core.exports import export_kinds_register
        from grants.exports import GIVING360, LEDGER
        from grants.audit import AuditAction
        from grants.selectors import committed_in
        from core.notifications import notification_kinds_register
        from grants.notifications import KINDS
        from applications.services import ROUND_STAGE_CHECKS
        from grants.selectors import round_awards_unfinished

        # A round's budget can never be cut below what its awards have promised.
        if committed_in not in COMMITMENT_SOURCES:
            COMMITMENT_SOURCES.append(committed_in)
        # A round moves on only when its work here is done.
        if round_awards_unfinished not in ROUND_STAGE_CHECKS:
            ROUND_STAGE_CHECKS.append(round_awards_unfinished)
        tag_colours_add({"suspended": "govuk-tag--orange", "owed": "govuk-tag--yellow"})
        audit_actions_register(AuditAction)
        export_kinds_register(GIVING360, LEDGER)
        notification_kinds_register(*KINDS)
