from django.apps import AppConfig


class AssessmentConfig(AppConfig):
    name = "assessment"

    def ready(self):
        from applications.permissions import APPLICATION_READERS
        from applications.services import SCORING_RULES_FOLLOWERS
        from assessment.audit import AuditAction
        from assessment.permissions import is_allocated_without_conflict
        from assessment.exports import RANKING
        from core.audit import audit_actions_register
        from core.exports import export_kinds_register
        from core.notifications import notification_kinds_register
        from assessment.notifications import KINDS
        from assessment.services import round_score_summaries_refresh
        from applications.services import ROUND_STAGE_CHECKS
        from assessment.selectors import round_assessment_unfinished

        # An assessor reads an application once it is theirs and they have declared no conflict with it.
        if is_allocated_without_conflict not in APPLICATION_READERS:
            APPLICATION_READERS.append(is_allocated_without_conflict)
        # The stored totals and moderation flags follow a round's weights, scale and threshold.
        if round_score_summaries_refresh not in SCORING_RULES_FOLLOWERS:
            SCORING_RULES_FOLLOWERS.append(round_score_summaries_refresh)
        # A round moves on only when its work here is done.
        if round_assessment_unfinished not in ROUND_STAGE_CHECKS:
            ROUND_STAGE_CHECKS.append(round_assessment_unfinished)
        audit_actions_register(AuditAction)
        export_kinds_register(RANKING)
        notification_kinds_register(*KINDS)
