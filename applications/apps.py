from django.apps import AppConfig


class ApplicationsConfig(AppConfig):
    name = "applications"

    def ready(self):
        from applications.audit import AssessmentAuditAction, AuditAction
        from core.audit import audit_actions_register

        audit_actions_register(AuditAction)
        audit_actions_register(AssessmentAuditAction)
