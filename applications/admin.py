from django.contrib import admin

from applications.models import Membership, Organisation, Round


@admin.register(Round)
class RoundAdmin(admin.ModelAdmin):
    list_display = ["name", "reference_prefix", "status", "opens_at", "closes_at", "budget"]
    list_filter = ["status"]
    search_fields = ["name", "reference_prefix"]


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["user"]


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ["name", "created_at"]
    search_fields = ["name"]
    inlines = [MembershipInline]
