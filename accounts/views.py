"""Signing in and out, registering, confirming an email address, passwords, and the session timeout."""

from urllib.parse import urlencode

import django_otp
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from core.paging import page_of
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse, reverse_lazy
from django.utils.decorators import method_decorator
from django.utils.encoding import force_str
from django.utils.http import url_has_allowed_host_and_scheme, urlsafe_base64_decode
from django.views.decorators.http import require_POST

from accounts import two_factor
from accounts.forms import (
    AuthenticatorCodeForm,
    ChangePasswordForm,
    NewPasswordForm,
    PasswordResetRequestForm,
    RecoveryCodeForm,
    RegistrationForm,
    SecondFactorResetForm,
    SignInForm,
)
from accounts.models import User
from accounts.permissions import (
    awaiting_second_factor,
    can_reset_second_factor,
    can_reset_second_factor_of,
    needs_second_factor,
)
from accounts.selectors import staff_accounts
from accounts.services import account_confirm_email, applicant_register
from accounts.throttling import limit_emails_sent
from accounts.tokens import email_confirmation_token
from core.models import EmailOptOut
from core.notifications import notification_kinds_for
from core.sessions import session_refresh

# New recovery codes wait here between the request that makes them and the one page that shows them, once.
NEW_RECOVERY_CODES = "new_recovery_codes"
STAFF_PAGE_SIZE = 50


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
    return render(
        request,
        "accounts/home.html",
        {
            "memberships": memberships,
            "uses_second_factor": needs_second_factor(request.user),
            "can_reset_second_factor": can_reset_second_factor(request.user),
            "notification_kinds": sorted(notification_kinds_for(request.user), key=lambda kind: kind.always_sent),
            "emails_off": set(EmailOptOut.objects.filter(recipient=request.user).values_list("kind", flat=True)),
        },
    )


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
    # Other requests start the timeout again at most once a minute; this one always does, as the page is told.
    session_refresh(request.session)
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


def _with_next(url: str, next_path: str, **params: str) -> str:
    query = urlencode({**params, "next": next_path} if next_path else params)
    return f"{url}?{query}" if query else url


@login_required
def two_factor_verify(request):
    """The second step of signing in for staff: a code from their app, or one of their recovery codes."""
    next_path = safe_next(request, request.GET.get("next"))
    if not awaiting_second_factor(request.user):
        return redirect(next_path or settings.LOGIN_REDIRECT_URL)
    if not two_factor.has_second_factor(request.user):
        return redirect(_with_next(reverse("accounts:two_factor_setup"), next_path))
    with_recovery_code = request.GET.get("with") == "recovery-code"
    form = (RecoveryCodeForm if with_recovery_code else AuthenticatorCodeForm)(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            device = two_factor.second_factor_verify(
                acting_user=request.user, code=form.cleaned_data["code"], recovery_code=with_recovery_code
            )
        except two_factor.SecondFactorRefused as refusal:
            form.add_error("code", str(refusal))
        else:
            django_otp.login(request, device)
            if with_recovery_code:
                messages.info(request, _recovery_codes_left(device.token_set.count()))
            return redirect(next_path or settings.LOGIN_REDIRECT_URL)
    here = reverse("accounts:two_factor")
    return render(
        request,
        "accounts/two_factor.html",
        {
            "form": form,
            "with_recovery_code": with_recovery_code,
            "other_way": _with_next(here, next_path) if with_recovery_code else _with_next(here, next_path, **{"with": "recovery-code"}),
        },
    )


def _recovery_codes_left(count: int) -> str:
    left = "no recovery codes" if count == 0 else f"{count} recovery code{'s' if count != 1 else ''}"
    return f"You used a recovery code. You have {left} left. Make new ones from your account page if you need them."


@login_required
def two_factor_setup(request):
    """Setting up an authenticator app, for staff who have none: scan the QR code or type the key, then give a code."""
    next_path = safe_next(request, request.GET.get("next"))
    if not needs_second_factor(request.user) or two_factor.has_second_factor(request.user):
        return redirect(_with_next(reverse("accounts:two_factor"), next_path))
    device = two_factor.authenticator_begin(acting_user=request.user)
    form = AuthenticatorCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            enrolment = two_factor.authenticator_confirm(acting_user=request.user, code=form.cleaned_data["code"])
        except two_factor.SecondFactorRefused as refusal:
            form.add_error("code", str(refusal))
        else:
            django_otp.login(request, enrolment.device)
            request.session[NEW_RECOVERY_CODES] = enrolment.recovery_codes
            return redirect(_with_next(reverse("accounts:recovery_codes"), next_path))
    return render(
        request,
        "accounts/two_factor_setup.html",
        {
            "form": form,
            "secret": two_factor.authenticator_secret(device),
            "qr_code": two_factor.authenticator_qr_code(device),
        },
    )


@login_required
def recovery_codes(request):
    """New recovery codes, shown once; otherwise how many are left and a button to make new ones."""
    if not needs_second_factor(request.user):
        raise PermissionDenied
    if request.method == "POST":
        try:
            request.session[NEW_RECOVERY_CODES] = two_factor.recovery_codes_regenerate(acting_user=request.user)
        except two_factor.SecondFactorRefused as refusal:
            messages.error(request, str(refusal))
            return redirect("accounts:two_factor_setup")
        return redirect(request.get_full_path())
    device = two_factor.recovery_codes_for(request.user)
    return render(
        request,
        "accounts/recovery_codes.html",
        {
            "codes": request.session.pop(NEW_RECOVERY_CODES, None),
            "codes_left": device.token_set.count() if device else 0,
            "next": safe_next(request, request.GET.get("next")) or reverse(settings.LOGIN_REDIRECT_URL),
        },
    )


@login_required
def staff(request):
    """Staff accounts and whether each has set up two-factor sign-in, for resetting a lost phone."""
    if not can_reset_second_factor(request.user):
        raise PermissionDenied
    page = page_of(request, staff_accounts(), STAFF_PAGE_SIZE)
    resettable = {
        person.pk for person in page.object_list
        if person.pk != request.user.pk and can_reset_second_factor_of(request.user, person)
    }
    return render(request, "accounts/staff.html", {"page": page, "people": page.object_list, "resettable": resettable})


@login_required
def two_factor_reset(request, pk: int):
    if not can_reset_second_factor(request.user):
        raise PermissionDenied
    colleague = get_object_or_404(staff_accounts(), pk=pk)
    if not can_reset_second_factor_of(request.user, colleague):
        raise PermissionDenied
    form = SecondFactorResetForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            two_factor.second_factor_reset(acting_user=request.user, user=colleague, reason=form.cleaned_data["reason"])
        except two_factor.SecondFactorRefused as refusal:
            form.add_error(None, str(refusal))
        else:
            messages.success(
                request, f"{colleague} will set up two-factor sign-in again the next time they sign in."
            )
            return redirect("accounts:staff")
    return render(request, "accounts/two_factor_reset.html", {"form": form, "colleague": colleague})
