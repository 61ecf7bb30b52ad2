"""Admin for support staff. The model guards apply here too: approved minutes, their entries,
decisions and the tasks they set cannot be changed (a correction is a new entry). Every change
and deletion made here enters the audit trail like the services' writes (issue 7 §3)."""

from __future__ import annotations

from django.contrib import admin

from samarbeid.admin_audit import AuditedAdmin

from . import models


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
    # The follow-up list is what the minutes recorded at approval (set by the service).
    exclude = ("follow_up",)


@admin.register(models.Task)
class TaskAdmin(AuditedAdmin):
    list_display = ("title", "council", "deadline", "status")
    list_filter = ("status",)
    search_fields = ("title", "council__name")
    raw_id_fields = ("council", "meeting", "responsible_member", "responsible_user",
                     "responsible_organisation", "created_by")
    # The agenda item a task belongs to is set with the minutes; its label is the item's
    # title, which may be exempt.
    exclude = ("entry",)
