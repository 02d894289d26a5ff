from django.contrib import admin

from .models import CouncilSettings, LocalAuthority


@admin.register(LocalAuthority)
class LocalAuthorityAdmin(admin.ModelAdmin):
    list_display = ("name", "ons_code", "old_code", "region_name", "la_type", "fictional")
    search_fields = ("name", "ons_code", "old_code")
    list_filter = ("region_name", "la_type", "fictional")


@admin.register(CouncilSettings)
class CouncilSettingsAdmin(admin.ModelAdmin):
    list_display = ("council", "cp_visit_working_days", "cin_visit_working_days", "caseload_threshold")
