"""The service's URL map: each app mounts its own urls module."""

from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("", include("applications.urls")),
    path("", include("assessment.urls")),
    path("", include("grants.urls")),
    path("", include("monitoring.urls")),
    path("", include("variations.urls")),
    path("", include("conversations.urls")),
    path("", include("core.urls")),
    path("account/", include("accounts.urls")),
    path("admin/", admin.site.urls),
]

handler403 = "core.views.permission_denied"
handler404 = "core.views.page_not_found"
handler500 = "core.views.server_error"
