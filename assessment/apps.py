from django.apps import AppConfig


class AssessmentConfig(AppConfig):
    name = "assessment"

    def ready(self):
        from applications.permissions import APPLICATION_READERS
        from assessment.audit import AuditAction
        from assessment.permissions import is_allocated_without_conflict
        from assessment.exports import RANKING
        from core.audit import audit_actions_register
        from core.exports import export_kinds_register
        from core.notifications import notification_kinds_register
        from assessment.notifications import KINDS

        # An assessor reads an application once it is theirs and they have declared no conflict with it.
        if is_allocated_without_conflict not in APPLICATION_READERS:
            APPLICATION_READERS.append(is_allocated_without_conflict)
        audit_actions_register(AuditAction)
        export_kinds_register(RANKING)
        notification_kinds_register(*KINDS)
