"""Admin for setting rounds up (rules, criteria, indicators) and for support staff looking after organisations."""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import flatten_fieldsets

from applications.models import (
    Application,
    Borough,
    Criterion,
    Indicator,
    Membership,
    Organisation,
    Round,
    ScoreDescriptor,
)
from applications.services import (
    CHANGEABLE_ONCE_OPEN,
    round_add_standard_indicators,
    round_budget_change,
    round_copy,
    round_scoring_rules_changed,
    round_status_change,
)
from core.admin import HistoryAdminMixin, ServiceForm, ServiceFormsAdminMixin


class RoundBudgetForm(forms.Form):
    budget = forms.DecimalField(
        label="New ringfenced budget (£)", max_digits=12, decimal_places=2,
        help_text="It cannot be less than the money already promised in awards.",
    )
    reason = forms.CharField(label="Why is the budget changing?", widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, obj: Round, **kwargs):
        super().__init__(*args, initial={"budget": obj.budget}, **kwargs)


class RoundStatusForm(forms.Form):
    status = forms.ChoiceField(label="Move the round to")
    reason = forms.CharField(label="Why now?", widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, obj: Round, **kwargs):
        super().__init__(*args, **kwargs)
        following = obj.TRANSITIONS.get(obj.status, set())
        self.fields["status"].choices = [(value, label) for value, label in Round.Status.choices if value in following]
        self.fields["status"].help_text = (
            f"The round is {obj.get_status_display().lower()}. Rounds move one stage at a time."
        )


def _being_set_up(obj) -> bool:
    """A round, or a criterion of one, that is new or still a draft. Once a round opens, organisations apply by the
    criteria and indicators it opened with, so the admin shows them without changing them."""
    round_ = getattr(obj, "round", obj)
    return round_ is None or round_.is_being_set_up


class SettledOnceOpenInline(admin.TabularInline):
    extra = 0

    def has_add_permission(self, request, obj=None):
        return _being_set_up(obj) and super().has_add_permission(request, obj)

    def has_change_permission(self, request, obj=None):
        return _being_set_up(obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return _being_set_up(obj) and super().has_delete_permission(request, obj)


class CriterionInline(SettledOnceOpenInline):
    model = Criterion


class IndicatorInline(SettledOnceOpenInline):
    """A round's indicators, each with what a return gives, its unit and the indicator it counts part of, if any."""

    model = Indicator
    prepopulated_fields = {"code": ["name"]}
    fields = ["name", "code", "guidance", "kind", "options", "has_target", "unit", "part_of", "position"]

    def get_formset(self, request, obj=None, **kwargs):
        self.parent_round = obj
        return super().get_formset(request, obj, **kwargs)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "part_of":
            # Only the indicators of the same round, and none for a round not saved yet.
            kwargs["queryset"] = Indicator.objects.filter(round=getattr(self, "parent_round", None))
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


@admin.register(Round)
class RoundAdmin(ServiceFormsAdminMixin, admin.ModelAdmin):
    list_display = ["name", "reference_prefix", "status", "opens_at", "closes_at", "budget"]
    list_filter = ["status"]
    search_fields = ["name", "reference_prefix"]
    inlines = [CriterionInline, IndicatorInline]
    filter_horizontal = ["assessors"]
    actions = ["copy_rounds", "add_standard_indicators"]
    # The budget and the status change only through their audited services, on forms of their own.
    service_forms = (
        ServiceForm("budget", "Change the budget", RoundBudgetForm, "change_budget"),
        ServiceForm("status", "Change the status", RoundStatusForm, "change_status"),
    )
    fieldsets = [
        (None, {"fields": ["name", "reference_prefix", "summary", "status"]}),
        ("Dates", {"fields": ["opens_at", "closes_at", "quarters"]}),
        ("Money", {"fields": ["budget", "minimum_award", "maximum_award"]}),
        (
            "Assessment",
            {"fields": ["score_scale_max", "assessors_per_application", "moderation_threshold", "tie_break", "scores_due_days",
                        "assessors"]},
        ),
        (
            "Eligibility rules",
            {
                "fields": [
                    "minimum_disabled_board_share", "requires_disabled_leader", "minimum_disabled_staff_share",
                    "income_cap", "requires_safeguarding_policy", "requires_governing_document", "required_documents",
                ]
            },
        ),
    ]

    def save_related(self, request, form, formsets, change):
        # After the criteria inline is saved: the weights, the scale and the threshold are all in place by then.
        super().save_related(request, form, formsets, change)
        round_scoring_rules_changed(round_=form.instance)

    def get_readonly_fields(self, request, obj=None):
        # A new round starts as a draft; its first budget is set here, later ones through the budget form. Once it
        # opens, only what the set-up pages still change, and the panel, which may need a member after conflicts.
        if obj is None:
            return ["status"]
        if obj.is_being_set_up:
            return ["status", "budget"]
        return [name for name in flatten_fieldsets(self.fieldsets) if name not in {*CHANGEABLE_ONCE_OPEN, "assessors"}]

    def change_budget(self, request, round_: Round, data: dict) -> str:
        round_budget_change(round_=round_, budget=data["budget"], acting_user=request.user, reason=data["reason"])
        return f"The budget of {round_} is now £{data['budget']:,.2f}."

    def change_status(self, request, round_: Round, data: dict) -> str:
        round_ = round_status_change(
            round_=round_, status=data["status"], acting_user=request.user, reason=data["reason"]
        )
        return f"{round_} is now {round_.get_status_display().lower()}."

    @admin.action(description="Copy the selected rounds for next year (as drafts)")
    def copy_rounds(self, request, queryset):
        for source in queryset:
            copy = round_copy(source=source, acting_user=request.user)
            self.message_user(request, f"Copied {source} to {copy} ({copy.reference_prefix}).", messages.SUCCESS)

    @admin.action(description="Add the standard victim-support indicators to the selected rounds")
    def add_standard_indicators(self, request, queryset):
        for round_ in queryset:
            added = round_add_standard_indicators(round_=round_, acting_user=request.user)
            self.message_user(request, f"Added {added} indicators to {round_}.", messages.SUCCESS)


class ScoreDescriptorInline(SettledOnceOpenInline):
    model = ScoreDescriptor


@admin.register(Criterion)
class CriterionAdmin(HistoryAdminMixin, admin.ModelAdmin):
    """Criteria are listed on their round; here each gets what every point of the scale means."""

    list_display = ["name", "round", "weight", "position"]
    list_filter = ["round"]
    inlines = [ScoreDescriptorInline]

    def has_change_permission(self, request, obj=None):
        return _being_set_up(obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return _being_set_up(obj) and super().has_delete_permission(request, obj)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "round":
            kwargs["queryset"] = Round.objects.filter(status=Round.Status.DRAFT)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        round_scoring_rules_changed(round_=obj.round)

    def delete_model(self, request, obj):
        super().delete_model(request, obj)
        round_scoring_rules_changed(round_=obj.round)

    def delete_queryset(self, request, queryset):
        rounds = list(Round.objects.filter(criteria__in=queryset).distinct())
        super().delete_queryset(request, queryset)
        for round_ in rounds:
            round_scoring_rules_changed(round_=round_)


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["user"]


@admin.register(Organisation)
class OrganisationAdmin(HistoryAdminMixin, admin.ModelAdmin):
    list_display = ["name", "legal_form", "charity_number", "company_number", "postcode"]
    search_fields = ["name", "charity_number", "company_number"]
    filter_horizontal = ["boroughs"]
    inlines = [MembershipInline]


@admin.register(Borough)
class BoroughAdmin(HistoryAdminMixin, admin.ModelAdmin):
    list_display = ["name", "gss_code", "police_force", "bcu_name"]
    search_fields = ["name", "gss_code"]


@admin.register(Application)
class ApplicationAdmin(admin.ModelAdmin):
    """Read-only here: statuses change only through the service's own pages, which keep the audit trail."""

    list_display = ["__str__", "organisation", "round", "status", "submitted_at"]
    list_filter = ["round", "status"]
    search_fields = ["reference", "title", "organisation__name"]

    def has_change_permission(self, request, obj=None):
        return False

    def has_add_permission(self, request):
        return False

