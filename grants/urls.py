from django.urls import path

from grants import views

app_name = "grants"
urlpatterns = [
    path("manage/rounds/<int:pk>/decisions/", views.decisions, name="decisions"),
    path("manage/applications/<int:pk>/decide/", views.decide, name="decide"),
    path("manage/rounds/<int:pk>/confirm/", views.confirm, name="confirm"),
    path("manage/rounds/<int:pk>/letters/", views.letters_for_round, name="letters_for_round"),
    path("manage/letter-batches/<int:pk>/", views.letter_batch, name="letter_batch"),
    path("manage/applications/<int:pk>/letters/correct/", views.letter_correct, name="letter_correct"),
    path("applications/<int:pk>/letters/", views.letters, name="letters"),
    path("letters/<int:pk>/", views.letter_download, name="letter"),
    path("awards/<int:pk>/", views.award_detail, name="award"),
    path("awards/<int:pk>/accept/", views.award_accept_view, name="accept"),
    path("awards/<int:pk>/decline/", views.award_decline_view, name="decline"),
]
