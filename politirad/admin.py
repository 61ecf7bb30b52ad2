"""Admin for support staff. The model guards apply here too: approved minutes, their entries,
decisions and the tasks they set cannot be changed (a correction is a new entry)."""

from django.contrib import admin

from . import models


class MemberInline(admin.TabularInline):
    model = models.CouncilMember
    extra = 0
    raw_id_fields = ("user", "organisation")


@admin.register(models.PoliceCouncil)
class PoliceCouncilAdmin(admin.ModelAdmin):
    list_display = ("name", "kind", "municipality")
    list_filter = ("kind",)
    search_fields = ("name", "municipality__name", "theme")
    raw_id_fields = ("municipality",)
    inlines = [MemberInline]


@admin.register(models.Meeting)
class MeetingAdmin(admin.ModelAdmin):
    list_display = ("council", "starts_at", "agenda_sent_at", "cancelled")
    search_fields = ("council__name", "title")
    raw_id_fields = ("council", "created_by")


@admin.register(models.Minutes)
class MinutesAdmin(admin.ModelAdmin):
    list_display = ("meeting", "status", "approved_at")
    list_filter = ("status",)
    raw_id_fields = ("meeting", "approved_by")


@admin.register(models.Task)
class TaskAdmin(admin.ModelAdmin):
    list_display = ("title", "council", "deadline", "status")
    list_filter = ("status",)
    search_fields = ("title", "council__name")
    raw_id_fields = ("council", "meeting", "entry", "responsible_member", "responsible_user",
                     "responsible_organisation", "created_by")
