from django.urls import path

from core import views

app_name = "core"
urlpatterns = [
    path("home/", views.home, name="home"),
    path("favicon.ico", views.favicon, name="favicon"),
    path("health/", views.health, name="health"),
    path("accessibility/", views.accessibility, name="accessibility"),
    path("privacy/", views.privacy, name="privacy"),
    path("cookies/", views.cookies, name="cookies"),
    path("notifications/", views.notifications, name="notifications"),
    path("notifications/emails/", views.email_choices, name="email_choices"),
    path("audit/", views.audit_list, name="audit_list"),
    path("exports/<int:pk>/", views.export, name="export"),
    path("exports/<int:pk>/download/", views.export_download, name="export_download"),
    path("audit/<slug:app_label>/<slug:model>/<int:object_id>/", views.audit_history, name="audit_history"),
]
