from django.urls import path

from grants import views

app_name = "grants"
urlpatterns = [
    path("manage/rounds/<int:pk>/decisions/", views.decisions, name="decisions"),
    path("manage/applications/<int:pk>/decide/", views.decide, name="decide"),
    path("manage/rounds/<int:pk>/confirm/", views.confirm, name="confirm"),
    path("manage/decisions/<int:pk>/send-back/", views.send_back, name="send_back"),
    path("manage/rounds/<int:pk>/letters/", views.letters_for_round, name="letters_for_round"),
    path("manage/letter-batches/<int:pk>/", views.letter_batch, name="letter_batch"),
    path("manage/letter-batches/<int:pk>/retry/", views.letter_batch_retry, name="letter_batch_retry"),
    path("manage/applications/<int:pk>/letters/correct/", views.letter_correct, name="letter_correct"),
    path("applications/<int:pk>/letters/", views.letters, name="letters"),
    path("letters/<int:pk>/", views.letter_download, name="letter"),
    path("awards/<int:pk>/", views.award_detail, name="award"),
    path("applications/<int:pk>/grant/", views.application_grant, name="application_grant"),
    path("awards/<int:pk>/accept/", views.award_accept_view, name="accept"),
    path("awards/<int:pk>/decline/", views.award_decline_view, name="decline"),
    path("awards/<int:pk>/payout-account/", views.payout_account, name="payout_account"),
    path("awards/<int:pk>/payout-account/done/", views.payout_account_done, name="payout_account_done"),
    path("manage/awards/<int:pk>/suspend/", views.award_suspend_view, name="suspend"),
    path("manage/awards/<int:pk>/lift-suspension/", views.award_resume_view, name="resume"),
    path("manage/awards/<int:pk>/clawbacks/new/", views.clawback_new, name="clawback_new"),
    path("clawbacks/<int:pk>/", views.clawback_detail, name="clawback"),
    path("finance/clawbacks/<int:pk>/repayments/new/", views.repayment_new, name="repayment_new"),
    path("finance/", views.payments_due, name="payments"),
    path("finance/tranches/<int:pk>/release/", views.tranche_release, name="tranche_release"),
    path("finance/rounds/<int:pk>/ledger/", views.ledger, name="ledger"),
    path("finance/rounds/<int:pk>/ledger/export/", views.ledger_export, name="ledger_export"),
    path("payments/stripe/webhook/", views.stripe_webhook, name="stripe_webhook"),
    path("manage/rounds/<int:pk>/360giving/<str:file_format>/export/", views.three_sixty_giving_export,
         name="three_sixty_giving_export"),
]
