from django.urls import path, register_converter

from accounts.models import Role
from accounts.permissions import role_required
from applications import views
from applications.eligibility_wizard import EligibilityWizard
from applications.models import APPLICATION_PAGES
from applications.preview import round_preview
from applications.wizard import ApplicationWizard


class StepConverter:
    """A step of an application: any name but those of its other pages, which their own patterns, here or in
    another app, answer."""

    regex = "[-a-zA-Z0-9_]+"

    def to_python(self, value: str) -> str:
        if value in APPLICATION_PAGES:
            raise ValueError(value)  # not this pattern: the next one is tried
        return value

    def to_url(self, value: str) -> str:
        return value


register_converter(StepConverter, "step")

app_name = "applications"
application_wizard = role_required(Role.APPLICANT)(
    ApplicationWizard.as_view(url_name="applications:step", done_step_name="done")
)
eligibility_wizard = role_required(Role.APPLICANT)(EligibilityWizard.as_view())

urlpatterns = [
    path("", views.start, name="start"),
    path("applications/", views.dashboard, name="dashboard"),
    path("organisations/new/", views.organisation_new, name="organisation_new"),
    path("organisations/<int:pk>/", views.organisation_detail, name="organisation"),
    path("organisations/<int:pk>/edit/", views.organisation_edit, name="organisation_edit"),
    path("organisations/<int:pk>/invite/", views.organisation_invite, name="organisation_invite"),
    path("invitations/<str:token>/", views.invitation, name="invitation"),
    path(
        "rounds/<int:round_pk>/eligibility/<int:organisation_pk>/",
        eligibility_wizard,
        name="eligibility",
    ),
    path("eligibility/<int:pk>/", views.eligibility_result, name="eligibility_result"),
    path("eligibility/<int:pk>/start/", views.application_begin, name="application_begin"),
    path("applications/<int:pk>/", views.application_detail, name="detail"),
    path("applications/<int:pk>/sent/", views.application_submitted, name="submitted"),
    path("applications/<int:pk>/pdf/", views.application_download, name="pdf"),
    path("applications/<int:pk>/withdraw/", views.application_withdraw_confirm, name="withdraw"),
    path("applications/<int:pk>/changes/", views.information_send_view, name="information_send"),
    path("applications/<int:pk>/adjustments/new/", views.adjustment_new, name="adjustment_new"),
    path("applications/<int:pk>/documents/<int:document_pk>/", views.document_download, name="document"),
    path("applications/<int:pk>/answers/<int:answer_pk>/", views.media_answer_download, name="media_answer"),
    path("applications/<int:pk>/files/<int:question_pk>/", views.file_answer_download, name="file_answer"),
    path("applications/<int:pk>/answers/<int:answer_pk>/transcript/", views.media_answer_transcript,
         name="media_answer_transcript"),
    # The wizard's steps (and its "done"): fixed ones and the round's own sections, which take no other page's name.
    path("applications/<int:pk>/<step:step>/", application_wizard, name="step"),
    path("manage/rounds/", views.round_list, name="manage_rounds"),
    path("manage/rounds/<int:pk>/", views.round_detail, name="manage_round"),
    path("manage/rounds/new/", views.round_new, name="round_new"),
    path("manage/rounds/<int:pk>/set-up/", views.round_setup, name="round_setup"),
    path("manage/rounds/<int:pk>/set-up/details/", views.round_details, name="round_details"),
    path("manage/rounds/<int:pk>/set-up/money/", views.round_money, name="round_money"),
    path("manage/rounds/<int:pk>/set-up/eligibility/", views.round_eligibility, name="round_eligibility"),
    path("manage/rounds/<int:pk>/set-up/scoring/", views.round_scoring, name="round_scoring"),
    path("manage/rounds/<int:pk>/set-up/payments/", views.round_payments, name="round_payments"),
    path("manage/rounds/<int:pk>/set-up/criteria/", views.round_criteria, name="round_criteria"),
    path("manage/rounds/<int:pk>/set-up/criteria/new/", views.criterion_form, name="criterion_new"),
    path("manage/rounds/<int:pk>/set-up/criteria/<int:criterion_pk>/", views.criterion_form, name="criterion_edit"),
    path("manage/rounds/<int:pk>/set-up/criteria/<int:criterion_pk>/remove/", views.criterion_remove_confirm,
         name="criterion_remove"),
    path("manage/rounds/<int:pk>/set-up/indicators/", views.round_indicators, name="round_indicators"),
    path("manage/rounds/<int:pk>/set-up/indicators/new/", views.indicator_form, name="indicator_new"),
    path("manage/rounds/<int:pk>/set-up/indicators/<int:indicator_pk>/", views.indicator_form, name="indicator_edit"),
    path("manage/rounds/<int:pk>/set-up/indicators/<int:indicator_pk>/remove/", views.indicator_remove_confirm,
         name="indicator_remove"),
    path("manage/rounds/<int:pk>/set-up/questions/", views.round_questions, name="round_questions"),
    path("manage/rounds/<int:pk>/set-up/questions/sections/new/", views.section_form, name="section_new"),
    path("manage/rounds/<int:pk>/set-up/questions/sections/<int:section_pk>/", views.section_form, name="section_edit"),
    path("manage/rounds/<int:pk>/set-up/questions/sections/<int:section_pk>/remove/", views.section_remove_confirm,
         name="section_remove"),
    path("manage/rounds/<int:pk>/set-up/questions/sections/<int:section_pk>/move/", views.question_order_change,
         name="section_move"),
    path("manage/rounds/<int:pk>/set-up/questions/sections/<int:section_pk>/new/", views.question_form,
         name="question_new"),
    path("manage/rounds/<int:pk>/set-up/questions/<int:question_pk>/", views.question_form, name="question_edit"),
    path("manage/rounds/<int:pk>/set-up/questions/<int:question_pk>/remove/", views.question_remove_confirm,
         name="question_remove"),
    path("manage/rounds/<int:pk>/set-up/questions/<int:question_pk>/move/", views.question_order_change,
         name="question_move"),
    path("manage/rounds/<int:pk>/preview/", round_preview, name="round_preview"),
    path("manage/rounds/<int:pk>/preview/<slug:step>/", round_preview, name="round_preview_step"),
    path("manage/rounds/<int:pk>/copy/", views.round_copy_confirm, name="round_copy"),
    path("manage/rounds/<int:pk>/stage/<slug:status>/", views.round_stage, name="round_stage"),
    path("manage/rounds/<int:pk>/extensions/new/", views.extension_new, name="extension_new"),
    path("manage/adjustments/<int:pk>/", views.adjustment_detail, name="adjustment"),
    path("manage/applications/<int:pk>/", views.manage_application, name="manage_application"),
    path("manage/applications/<int:pk>/information/", views.information_request_new, name="information_request"),
]
