"""Admin for SLT. Rules live in the models' clean()/save(), so the admin obeys them too; every
change and deletion made here enters the audit trail like the services' writes (issue 7 §3)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest

from samarbeid import audit
from samarbeid.models import AuditAction

from .models import LevelMeeting, LevelMember, Measure, MeasureUpdate, SltActionPlan, SltLevel, SltModel


def _changed_fields(form: Any, formsets: Any) -> str:
    """Names of the changed fields and inlines; the values stay out of the trail."""
    names = list(form.changed_data)
    names += [str(fs.model._meta.verbose_name_plural) for fs in formsets if fs.has_changed()]
    return ", ".join(names)


class AuditedAdmin(admin.ModelAdmin):
    """Record creates, changes (with their inlines) and deletions, one event per object."""

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        super().save_related(request, form, formsets, change)
        if not change or form.has_changed() or any(fs.has_changed() for fs in formsets):
            audit.record(actor=request.user,
                         action=AuditAction.CHANGE if change else AuditAction.CREATE,
                         obj=form.instance, request=request,
                         summary=f"admin: {_changed_fields(form, formsets)}".rstrip(": "))

    def delete_model(self, request: HttpRequest, obj: Any) -> None:
        audit.record(actor=request.user, action=AuditAction.DELETE, obj=obj, summary="admin",
                     request=request)
        super().delete_model(request, obj)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> None:
        for obj in queryset:
            audit.record(actor=request.user, action=AuditAction.DELETE, obj=obj,
                         summary="admin", request=request)
        super().delete_queryset(request, queryset)


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


@admin.register(Measure)
class MeasureAdmin(AuditedAdmin):
    list_display = ["title", "slt_model", "level", "status", "ends_on"]
    list_filter = ["status", "level__kind"]
    search_fields = ["title"]
    raw_id_fields = ["slt_model", "level", "responsible", "action_plan", "created_by"]
    list_select_related = ["slt_model__municipality", "level"]
    inlines = [MeasureUpdateInline]
