from django.apps import AppConfig


class ConversationsConfig(AppConfig):
    name = "conversations"

    def ready(self):
        # Registers the named permissions that templates ask with {% has_perm %}.
        from conversations import permissions  # noqa: F401
        from conversations.audit import AuditAction
        from conversations.notifications import KINDS
        from core.audit import audit_actions_register
        from core.notifications import notification_kinds_register

        audit_actions_register(AuditAction)
        notification_kinds_register(*KINDS)
