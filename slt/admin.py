"""Admin for SLT. Rules live in the models' clean()/save(), so the admin obeys them too."""

from __future__ import annotations

from django.contrib import admin

from .models import LevelMeeting, LevelMember, Measure, MeasureUpdate, SltActionPlan, SltLevel, SltModel


class SltLevelInline(admin.TabularInline):
    model = SltLevel
    extra = 0


@admin.register(SltModel)
class SltModelAdmin(admin.ModelAdmin):
    list_display = ["municipality", "status", "coordinator", "coordinator_title"]
    list_filter = ["status"]
    search_fields = ["municipality__name"]
    raw_id_fields = ["coordinator"]
    filter_horizontal = ["other_municipalities"]
    list_select_related = ["municipality", "coordinator"]
    inlines = [SltLevelInline]


@admin.register(LevelMember)
class LevelMemberAdmin(admin.ModelAdmin):
    list_display = ["__str__", "level", "organisation"]
    raw_id_fields = ["user", "level"]


@admin.register(LevelMeeting)
class LevelMeetingAdmin(admin.ModelAdmin):
    list_display = ["level", "date"]
    raw_id_fields = ["level"]


@admin.register(SltActionPlan)
class SltActionPlanAdmin(admin.ModelAdmin):
    list_display = ["slt_model", "year", "title"]
    list_select_related = ["slt_model__municipality"]


class MeasureUpdateInline(admin.TabularInline):
    model = MeasureUpdate
    extra = 0
    raw_id_fields = ["author"]


@admin.register(Measure)
class MeasureAdmin(admin.ModelAdmin):
    list_display = ["title", "slt_model", "level", "status", "ends_on"]
    list_filter = ["status", "level__kind"]
    search_fields = ["title"]
    raw_id_fields = ["slt_model", "level", "responsible", "action_plan", "created_by"]
    list_select_related = ["slt_model__municipality", "level"]
    inlines = [MeasureUpdateInline]
