"""Admin for support staff. The model guards apply here too: approved minutes, their entries,
decisions and the tasks they set cannot be changed (a correction is a new entry). Every change
and deletion made here enters the audit trail like the services' writes (issue 7 §3)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest

from samarbeid import audit
from samarbeid.models import AuditAction

from . import models


def _changed_fields(form: Any, formsets: Any) -> str:
    """Names of the changed fields and inlines; the values (free text) stay out of the trail."""
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


class MemberInline(admin.TabularInline):
    model = models.CouncilMember
    extra = 0
    raw_id_fields = ("user", "organisation")


@admin.register(models.PoliceCouncil)
class PoliceCouncilAdmin(AuditedAdmin):
    list_display = ("name", "kind", "municipality")
    list_filter = ("kind",)
    search_fields = ("name", "municipality__name", "theme")
    raw_id_fields = ("municipality",)
    inlines = [MemberInline]


@admin.register(models.Meeting)
class MeetingAdmin(AuditedAdmin):
    list_display = ("council", "starts_at", "agenda_sent_at", "cancelled")
    search_fields = ("council__name", "title")
    raw_id_fields = ("council", "created_by")


@admin.register(models.Minutes)
class MinutesAdmin(AuditedAdmin):
    list_display = ("meeting", "status", "approved_at")
    list_filter = ("status",)
    raw_id_fields = ("meeting", "approved_by")


@admin.register(models.Task)
class TaskAdmin(AuditedAdmin):
    list_display = ("title", "council", "deadline", "status")
    list_filter = ("status",)
    search_fields = ("title", "council__name")
    raw_id_fields = ("council", "meeting", "entry", "responsible_member", "responsible_user",
                     "responsible_organisation", "created_by")
