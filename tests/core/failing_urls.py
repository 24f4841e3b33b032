"""A URL map with one view that fails, to show what people see when something breaks."""

from django.urls import include, path


def fail(request):
    raise RuntimeError("Deliberate failure for the 500 page test")


urlpatterns = [path("fail/", fail), path("", include("config.urls"))]
handler500 = "core.views.server_error"
