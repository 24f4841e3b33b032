from django.urls import path

from monitoring import views

app_name = "monitoring"
urlpatterns = [
    path("awards/<int:pk>/returns/<int:quarter>/", views.return_edit, name="return"),
    path("rounds/<int:pk>/results/", views.round_results, name="round_results"),
    path("rounds/<int:pk>/grants.json", views.round_grants_file, name="round_grants_file"),
    path("awards/<int:pk>/returns/<int:quarter>/poor-responses/new/", views.poor_response_form,
         name="poor_response_new"),
    path("awards/<int:pk>/returns/<int:quarter>/poor-responses/<int:response_pk>/", views.poor_response_form,
         name="poor_response_edit"),
    path("awards/<int:pk>/returns/<int:quarter>/poor-responses/<int:response_pk>/remove/",
         views.poor_response_remove_confirm, name="poor_response_remove"),
    path("awards/<int:pk>/end-report/", views.end_report, name="end_report"),
    path("manage/awards/<int:pk>/end-report/", views.end_report_review_view, name="end_report_review"),
    path("manage/returns/", views.returns_list, name="returns"),
    path("manage/returns/<int:pk>/", views.return_review_view, name="review"),
    path("manage/returns/<int:pk>/allow-early/", views.return_allow_early_view, name="allow_early"),
    path("manage/awards/<int:pk>/", views.grant_page, name="grant"),
    path("manage/rounds/<int:pk>/outcomes/", views.outcomes, name="outcomes"),
    path("manage/rounds/<int:pk>/outcomes.<str:file_format>", views.outcomes_download, name="outcomes_download"),
    path("manage/rounds/<int:pk>/returns.<str:file_format>", views.figures_download, name="figures_sheet"),
    path("manage/rounds/<int:pk>/poor-responses/", views.poor_responses, name="poor_responses"),
    path("manage/rounds/<int:pk>/reports/", views.programme_reports, name="programme_reports"),
    path("manage/rounds/<int:pk>/reports/quarter-<int:quarter>/", views.programme_report_new,
         name="programme_report_new"),
    path("manage/reports/<int:pk>/<str:kind>", views.programme_report_download, name="programme_report"),
    path("manage/rounds/<int:pk>/poor-responses/evidence.<str:file_format>", views.evidence_download,
         name="evidence_pack"),
    path("manage/rounds/<int:pk>/returns/upload/", views.figures_upload, name="figures_upload"),
    path("manage/returns-spreadsheets/<int:pk>/", views.figures_import, name="figures_import"),
]
