from django.urls import path

from variations import views

app_name = "variations"
urlpatterns = [
    path("awards/<int:pk>/variations/new/", views.variation_new, name="new"),
    path("variations/<int:pk>/", views.variation_detail, name="detail"),
    path("manage/variations/", views.waiting, name="waiting"),
    path("manage/variations/<int:pk>/approve/", views.approve, name="approve"),
    path("manage/variations/<int:pk>/refuse/", views.refuse, name="refuse"),
    path("manage/variations/<int:pk>/confirm/", views.confirm, name="confirm"),
]
