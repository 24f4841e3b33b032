"""The service mounted under /service/, as a host serving it beside other sites would."""

from django.urls import include, path

urlpatterns = [path("service/", include("config.urls"))]
