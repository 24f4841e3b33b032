from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "core"

    def ready(self):
        from core.audit import AuditAction, audit_actions_register

        audit_actions_register(AuditAction)
