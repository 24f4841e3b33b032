"""Signing in and out, registering, confirming an email address, passwords, and the session timeout."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.utils.decorators import method_decorator
from django.utils.encoding import force_str
from django.utils.http import url_has_allowed_host_and_scheme, urlsafe_base64_decode
from django.views.decorators.http import require_POST

from accounts.forms import (
    ChangePasswordForm,
    NewPasswordForm,
    PasswordResetRequestForm,
    RegistrationForm,
    SignInForm,
)
from accounts.models import User
from accounts.services import account_confirm_email, applicant_register
from accounts.throttling import limit_emails_sent
from accounts.tokens import email_confirmation_token


class SignInView(auth_views.LoginView):
    form_class = SignInForm
    template_name = "accounts/sign_in.html"
    redirect_authenticated_user = True


class SignOutView(auth_views.LogoutView):
    """Signing out is a POST; opening the address shows a button to do it rather than an error."""

    http_method_names = ["get", "post", "options"]

    def get(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect(settings.LOGOUT_REDIRECT_URL)
        return render(request, "accounts/sign_out.html")

    def post(self, request, *args, **kwargs):
        was_signed_in = request.user.is_authenticated
        response = super().post(request, *args, **kwargs)
        if was_signed_in:
            messages.success(request, "You have signed out.")
        return response


def safe_next(request, value: str | None) -> str:
    """A `next` address only if it stays on this site."""
    if value and url_has_allowed_host_and_scheme(value, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return value
    return ""


@limit_emails_sent("register")
def register(request):
    if request.user.is_authenticated:
        return redirect(settings.LOGIN_REDIRECT_URL)
    next_path = safe_next(request, request.POST.get("next") or request.GET.get("next"))
    form = RegistrationForm(request.POST or None, initial={"email": request.GET.get("email", "")[:254]})
    if request.method == "POST" and form.is_valid():
        applicant_register(
            full_name=form.cleaned_data["full_name"],
            email=form.cleaned_data["email"],
            password=form.cleaned_data["password"],
            site_url=request.build_absolute_uri("/").rstrip("/"),
            next_path=next_path,
        )
        request.session["registered_email"] = form.cleaned_data["email"]
        return redirect("accounts:check_email")
    return render(request, "accounts/register.html", {"form": form, "next": next_path})


def check_email(request):
    return render(request, "accounts/check_email.html", {"email": request.session.get("registered_email")})


def confirm_email(request, uidb64: str, token: str):
    try:
        user = User.objects.get(pk=int(force_str(urlsafe_base64_decode(uidb64))))
    except (ValueError, TypeError, OverflowError, User.DoesNotExist):
        user = None
    if user is None or not email_confirmation_token.check_token(user, token):
        return render(request, "accounts/confirm_email_failed.html", status=400)
    account_confirm_email(user=user)
    login(request, user, backend=settings.PASSWORD_BACKEND)
    messages.success(request, "Your email address is confirmed and you are signed in.")
    return redirect(safe_next(request, request.GET.get("next")) or settings.LOGIN_REDIRECT_URL)


@login_required
def home(request):
    memberships = request.user.memberships.select_related("organisation")
    return render(request, "accounts/home.html", {"memberships": memberships})


@method_decorator(limit_emails_sent("password_reset"), name="post")
class PasswordResetView(auth_views.PasswordResetView):
    form_class = PasswordResetRequestForm
    template_name = "accounts/password_reset.html"
    email_template_name = "accounts/emails/password_reset.txt"
    subject_template_name = "accounts/emails/password_reset_subject.txt"
    success_url = reverse_lazy("accounts:password_reset_sent")
    extra_email_context = {"service_name": settings.SERVICE_NAME, "funder_name": settings.FUNDER_NAME}


class PasswordResetSentView(auth_views.PasswordResetDoneView):
    template_name = "accounts/password_reset_sent.html"


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    form_class = NewPasswordForm
    template_name = "accounts/password_reset_confirm.html"
    success_url = reverse_lazy("accounts:password_reset_complete")

    def dispatch(self, *args, **kwargs):
        response = super().dispatch(*args, **kwargs)
        if response.status_code == 200 and not self.validlink:
            response.status_code = 400  # as for a spent email-confirmation link
        return response


class PasswordResetCompleteView(auth_views.PasswordResetCompleteView):
    template_name = "accounts/password_reset_complete.html"


class PasswordChangeView(auth_views.PasswordChangeView):
    form_class = ChangePasswordForm
    template_name = "accounts/password_change.html"
    success_url = reverse_lazy("accounts:home")

    def form_valid(self, form):
        messages.success(self.request, "Your password has been changed.")
        return super().form_valid(form)


@require_POST
@login_required
def session_extend(request):
    # Any request resets the idle timer (SESSION_SAVE_EVERY_REQUEST); this one exists only to do that.
    request.session.modified = True
    return HttpResponse(status=204)


def locked_out(request, original_response=None, credentials=None):
    """What django-axes shows when one address has failed to sign in too often from one place."""
    cooloff_minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    return render(request, "accounts/locked_out.html", {"cooloff_minutes": cooloff_minutes}, status=429)


def timed_out(request):
    """Where the timeout warning sends an idle page. The server has already ended the session by then.

    It never signs anyone out itself: another tab may have kept the session alive, and a link must not end it.
    """
    if request.user.is_authenticated:
        return redirect(settings.LOGIN_REDIRECT_URL)
    return render(request, "accounts/timed_out.html")
