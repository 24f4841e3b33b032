from django.urls import path

from conversations import views

app_name = "conversations"

urlpatterns = [
    path("messages/", views.inbox, name="inbox"),
    path("messages/applications/<int:pk>/", views.thread, name="thread"),
    path("messages/applications/<int:pk>/files/<int:file_pk>/", views.message_file, name="file"),
    path("manage/rounds/<int:pk>/messages/new/", views.bulk_message_new, name="bulk_message_new"),
    path("manage/bulk-messages/<int:pk>/", views.bulk_message, name="bulk_message"),
    path("manage/bulk-messages/<int:pk>/retry/", views.bulk_message_retry, name="bulk_message_retry"),
]
