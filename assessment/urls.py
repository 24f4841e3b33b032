"""The assessor's pages and the programme manager's screening, allocation, conflicts, moderation and ranking."""

from django.urls import path

from assessment import views

app_name = "assessment"

urlpatterns = [
    path("assess/", views.assessor_dashboard, name="assessor_dashboard"),
    path("assess/<int:pk>/declare/", views.declare, name="declare"),
    path("assess/<int:pk>/", views.assess, name="assess"),
    path("assess/<int:pk>/new-version/", views.revise, name="revise"),
    path("assess/sheet.<str:file_format>", views.scoring_sheet_download, name="scoring_sheet"),
    path("assess/upload/", views.scoring_sheet_upload, name="scoring_upload"),
    path("assess/upload/<int:pk>/", views.scoring_sheet_import, name="scoring_import"),
    path("manage/rounds/<int:pk>/screening/", views.screening_list, name="screening"),
    path("manage/applications/<int:pk>/screen/", views.screen, name="screen"),
    path("manage/rounds/<int:pk>/allocations/", views.allocations, name="allocations"),
    path("manage/rounds/<int:pk>/panel/", views.panel, name="panel"),
    path("manage/rounds/<int:pk>/panel/add/", views.panel_add, name="panel_add"),
    path("manage/rounds/<int:pk>/panel/<int:assessor_pk>/remove/", views.panel_remove, name="panel_remove"),
    path("manage/applications/<int:pk>/allocate/", views.allocate, name="allocate"),
    path("manage/allocations/<int:pk>/remove/", views.unallocate, name="unallocate"),
    path("manage/rounds/<int:pk>/conflicts/", views.conflicts, name="conflicts"),
    path("manage/rounds/<int:pk>/ranking/", views.ranking, name="ranking"),
    path("manage/rounds/<int:pk>/ranking/<str:file_format>/export/", views.ranking_export, name="ranking_export"),
    path("manage/applications/<int:pk>/moderate/", views.moderate, name="moderate"),
]
