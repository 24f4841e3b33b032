from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "accounts"

    def ready(self):
        # Registers the named permissions that views and templates ask with has_perm.
        from accounts import permissions  # noqa: F401
        from accounts.audit import AuditAction
        from core.audit import audit_actions_register
        from core.notifications import notification_kinds_register
        from accounts.notifications import KINDS

        audit_actions_register(AuditAction)
        notification_kinds_register(*KINDS)
