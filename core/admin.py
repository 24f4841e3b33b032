"""The admin site's shared parts: the read-only audit trail, and small forms that change guarded fields through the
service that audits them."""

from dataclasses import dataclass
from functools import partial

from auditlog.admin import LogEntryAdmin as BaseLogEntryAdmin
from auditlog.mixins import AuditlogHistoryAdminMixin
from auditlog.models import LogEntry
from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse

from core.models import AuditEvent
from core.refusals import ServiceError


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    """Read-only: the trail is evidence, so nobody edits or deletes it, support staff included."""

    list_display = ["occurred_at", "actor_name", "sentence", "target_label", "from_state", "to_state"]
    list_filter = ["target_type", "action"]
    search_fields = ["actor_name", "target_label", "reason"]
    date_hierarchy = "occurred_at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


admin.site.unregister(LogEntry)


@admin.register(LogEntry)
class LogEntryAdmin(BaseLogEntryAdmin):
    """django-auditlog's history of configuration edits; people here have one name field, not first and last."""

    search_fields = ["object_repr", "changes_text", "actor__email", "actor__full_name"]


class HistoryAdminMixin(AuditlogHistoryAdminMixin):
    """Links each configuration record's field-by-field history (who changed what, when) from its list, and makes
    it the record's only history: Django's own "History" would miss every change made through a service."""

    show_auditlog_history_link = True

    def history_view(self, request, object_id, extra_context=None):
        opts = self.model._meta
        return redirect(reverse(f"admin:{opts.app_label}_{opts.model_name}_auditlog", args=[object_id]))


@dataclass(frozen=True)
class ServiceForm:
    """A small admin form for one guarded change: `run` names the admin method that calls the service and returns
    what to tell the person."""

    slug: str
    label: str
    form: type[forms.Form]
    run: str
    superuser_only: bool = False


class ServiceFormsAdminMixin(HistoryAdminMixin):
    """Fields the plain change form must not write (a status, a budget, a role) are shown read-only there and
    changed on forms of their own that call the audited service. A refusal is shown on the same form, with what was
    typed kept, never as a server error."""

    change_form_template = "admin/change_form_with_services.html"
    service_forms: tuple[ServiceForm, ...] = ()

    def get_urls(self):
        app_label, model_name = self.model._meta.app_label, self.model._meta.model_name
        own = [
            path(
                f"<path:object_id>/{service_form.slug}/",
                self.admin_site.admin_view(partial(self.service_form_view, service_form=service_form)),
                name=f"{app_label}_{model_name}_{service_form.slug}",
            )
            for service_form in self.service_forms
        ]
        return own + super().get_urls()

    def may_use(self, request, obj, service_form: ServiceForm) -> bool:
        allowed_here = request.user.is_superuser or not service_form.superuser_only
        return allowed_here and self.has_change_permission(request, obj)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        obj = self.get_object(request, unquote(object_id))
        links = [
            {"url": self._admin_url(service_form.slug, obj), "label": service_form.label}
            for service_form in self.service_forms
            if obj is not None and self.may_use(request, obj, service_form)
        ]
        if obj is not None:
            links.append({"url": self._admin_url("auditlog", obj), "label": "Audit log"})
        return super().change_view(request, object_id, form_url, {**(extra_context or {}), "service_links": links})

    def service_form_view(self, request, object_id, service_form: ServiceForm):
        obj = self.get_object(request, unquote(object_id))
        if obj is None:
            raise Http404
        if not self.may_use(request, obj, service_form):
            raise PermissionDenied
        form = service_form.form(request.POST or None, obj=obj)
        if request.method == "POST" and form.is_valid():
            try:
                done = getattr(self, service_form.run)(request, obj, form.cleaned_data)
            except ServiceError as refused:
                messages.error(request, str(refused))
            else:
                messages.success(request, done)
                return redirect(self._admin_url("change", obj))
        context = {
            **self.admin_site.each_context(request),
            "title": f"{service_form.label}: {obj}",
            "form": form,
            "object": obj,
            "opts": self.model._meta,
        }
        return TemplateResponse(request, "admin/service_form.html", context)

    def _admin_url(self, page: str, obj) -> str:
        opts = self.model._meta
        return reverse(f"admin:{opts.app_label}_{opts.model_name}_{page}", args=[obj.pk])
