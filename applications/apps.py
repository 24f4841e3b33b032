from django.apps import AppConfig

# The GOV.UK tag colour of each status word applicants and managers see: applications, task-list sections and
# adjustment requests.
STATUS_TAG_COLOURS = {
    "draft": "govuk-tag--grey",
    "Not started": "govuk-tag--blue",
    "In progress": "govuk-tag--light-blue",
    "Completed": "",
    "submitted": "govuk-tag--blue",
    "eligible": "govuk-tag--turquoise",
    "ineligible": "govuk-tag--red",
    "scored": "govuk-tag--purple",
    "awarded": "govuk-tag--green",
    "not_funded": "govuk-tag--orange",
    "withdrawn": "govuk-tag--grey",
    "requested": "govuk-tag--yellow",
    "agreed": "govuk-tag--green",
    "declined": "govuk-tag--red",
}


class ApplicationsConfig(AppConfig):
    name = "applications"

    def ready(self):
        # Registers the named permissions that templates ask with {% has_perm %}.
        from applications import permissions  # noqa: F401
        from applications.audit import AuditAction
        from core.audit import audit_actions_register
        from core.templatetags.govuk import tag_colours_add
        from core.notifications import notification_kinds_register
        from applications.notifications import KINDS

        tag_colours_add(STATUS_TAG_COLOURS)
        audit_actions_register(AuditAction)
        notification_kinds_register(*KINDS)
