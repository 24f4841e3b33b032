from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "accounts"

    def ready(self):
        # Registers the named permissions (rules) that other apps check with has_perm.
        import accounts.permissions  # noqa: F401
        from accounts.audit import AuditAction
        from core.audit import audit_actions_register

        audit_actions_register(AuditAction)
