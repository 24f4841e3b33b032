"""The service's own pages (accessibility, privacy, cookies), the audit trail, files made for download, and the
error pages."""

from django.conf import settings
from django.contrib import messages
from django.contrib.contenttypes.models import ContentType
from core.paging import page_of
from django.core.exceptions import PermissionDenied
from django.db import DatabaseError, connection
from django.http import FileResponse, Http404, HttpResponse, HttpResponseServerError
from django.contrib.auth.decorators import login_required, permission_required
from django.shortcuts import get_object_or_404, redirect, render
from django.templatetags.static import static
from django.template import loader
from django.template.response import TemplateResponse
from django.views.decorators.csrf import requires_csrf_token

from core.exports import EXPORT_KINDS, KEPT_DAYS, can_open_export
from core.models import Export
from core.navigation import home_for
from core.selectors import audit_events_for, audit_events_recent, notifications_for
from core.forms import EmailChoicesForm
from core.models import EmailOptOut
from core.notifications import email_choices_for
from core.services import email_choices_save, notifications_mark_read

AUDIT_PAGE_SIZE = 50


@login_required
def home(request):
    """Where signing in lands: the first place in the person's own navigation."""
    return redirect(home_for(request.user))


def favicon(request):
    # Browsers ask for /favicon.ico on pages that name no icon, such as the admin site's.
    return redirect(static("app/images/favicon.svg"), permanent=True)


def health(request):
    """For load balancers and process supervisors: "OK" while this worker can use the database, 503 when it cannot."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except DatabaseError:
        return HttpResponse("The database is not answering", status=503, content_type="text/plain")
    return HttpResponse("OK", content_type="text/plain")


def accessibility(request):
    return render(request, "core/accessibility.html")


def privacy(request):
    return render(request, "core/privacy.html")


def cookies(request):
    return render(request, "core/cookies.html")


@login_required
@permission_required("core.view_audit_trail", raise_exception=True)
def audit_list(request):
    page = page_of(request, audit_events_recent(), AUDIT_PAGE_SIZE)
    return render(request, "core/audit_list.html", {"page": page, "events": page.object_list})


@login_required
@permission_required("core.view_audit_trail", raise_exception=True)
def audit_history(request, app_label: str, model: str, object_id: int):
    target_type = ContentType.objects.filter(app_label=app_label, model=model).first()
    # Only kinds of record that the trail has recorded: not the framework's own tables.
    if target_type is None or not audit_events_recent().filter(target_type=target_type).exists():
        raise Http404("No history is kept for this kind of record")
    target = target_type.get_all_objects_for_this_type(pk=object_id).first()
    if target is None:
        raise Http404("No such record")
    page = page_of(request, audit_events_for(target), AUDIT_PAGE_SIZE)
    return render(request, "core/audit_history.html", {"target": target, "page": page, "events": page.object_list})


@login_required
def notifications(request):
    """What the service told the person, newest first; those on the page are read once it has been shown."""
    page = page_of(request, notifications_for(request.user))
    shown = list(page.object_list)
    notifications_mark_read(recipient=request.user, notification_ids=[item.pk for item in shown if item.read_at is None])
    return render(request, "core/notifications.html", {"page": page, "notifications": shown})


@login_required
def email_choices(request):
    """The person turns emails of each kind for their role on or off; emails that keep an account safe stay on."""
    kinds = email_choices_for(request.user)
    off = set(EmailOptOut.objects.filter(recipient=request.user).values_list("kind", flat=True))
    form = EmailChoicesForm(request.POST or None, kinds=kinds,
                            initial={"emailed": [kind.code for kind in kinds if kind.code not in off]})
    if request.method == "POST" and form.is_valid():
        email_choices_save(person=request.user, emailed=set(form.cleaned_data["emailed"]))
        messages.success(request, "Your choice of emails has been saved.")
        return redirect("accounts:home")
    return render(request, "core/email_choices.html", {"form": form, "kinds": kinds})


def _export_for(request, pk: int) -> Export:
    export = get_object_or_404(Export, pk=pk)
    if not can_open_export(request.user, export):
        raise PermissionDenied
    return export


@login_required
def export(request, pk: int):
    export = _export_for(request, pk)
    kind = EXPORT_KINDS[export.name]
    back = kind.back(**export.parameters) if kind.back else None
    return render(request, "core/export.html", {"export": export, "kept_days": KEPT_DAYS, "back": back})


@login_required
def export_download(request, pk: int):
    export = _export_for(request, pk)
    if export.outcome != Export.Outcome.READY:
        return redirect(export)
    if not export.file.storage.exists(export.file.name):
        raise Http404("The file has been removed: ask for it again")
    return FileResponse(export.file.open("rb"), as_attachment=True, filename=export.filename,
                        content_type=export.content_type)


def csrf_failure(request, reason=""):
    """A form sent from a page that had expired (signed out, or signed in again in another tab)."""
    return render(request, "csrf_failure.html", status=403)


def permission_denied(request, exception=None):
    return TemplateResponse(request, "403.html", status=403).render()


def page_not_found(request, exception=None):
    return TemplateResponse(request, "404.html", status=404).render()


@requires_csrf_token
def server_error(request):
    # No request context here: reading the signed-in user needs the database, which may be what failed.
    context = {
        "service_name": settings.SERVICE_NAME,
        "funder_name": settings.FUNDER_NAME,
        "funder_email": settings.FUNDER_EMAIL,
        "service_phase": settings.SERVICE_PHASE,
    }
    return HttpResponseServerError(loader.get_template("500.html").render(context))


def rate_limited(request, exception=None):
    """A form that sends an email (registering, a password reset, an invitation) posted too often in an hour."""
    return render(request, "rate_limited.html", status=429)
