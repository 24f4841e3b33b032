from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "accounts"

    def ready(self):
        from accounts.audit import AuditAction
        from core.audit import audit_actions_register

        audit_actions_register(AuditAction)
