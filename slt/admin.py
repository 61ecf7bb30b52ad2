"""Admin for SLT. Rules live in the models' clean()/save(), so the admin obeys them too; every
change and deletion made here enters the audit trail like the services' writes (issue 7 §3)."""

from __future__ import annotations

from django.contrib import admin

from samarbeid.admin_audit import AuditedAdmin

from .models import LevelMeeting, LevelMember, MeasureUpdate, SltActionPlan, SltLevel, SltMeasure, SltModel


class SltLevelInline(admin.TabularInline):
    model = SltLevel
    extra = 0


@admin.register(SltModel)
class SltModelAdmin(AuditedAdmin):
    list_display = ["municipality", "status", "coordinator", "coordinator_title"]
    list_filter = ["status"]
    search_fields = ["municipality__name"]
    raw_id_fields = ["coordinator"]
    filter_horizontal = ["other_municipalities"]
    list_select_related = ["municipality", "coordinator"]
    inlines = [SltLevelInline]


@admin.register(LevelMember)
class LevelMemberAdmin(AuditedAdmin):
    list_display = ["__str__", "level", "organisation"]
    raw_id_fields = ["user", "level"]


@admin.register(LevelMeeting)
class LevelMeetingAdmin(AuditedAdmin):
    list_display = ["level", "date"]
    raw_id_fields = ["level"]


@admin.register(SltActionPlan)
class SltActionPlanAdmin(AuditedAdmin):
    list_display = ["slt_model", "year", "title"]
    list_select_related = ["slt_model__municipality"]


class MeasureUpdateInline(admin.TabularInline):
    model = MeasureUpdate
    extra = 0
    raw_id_fields = ["author"]


@admin.register(SltMeasure)
class MeasureAdmin(AuditedAdmin):
    list_display = ["title", "slt_model", "level", "status", "ends_on"]
    list_filter = ["status", "level__kind"]
    search_fields = ["title"]
    raw_id_fields = ["slt_model", "level", "responsible", "action_plan", "created_by"]
    list_select_related = ["slt_model__municipality", "level"]
    inlines = [MeasureUpdateInline]
