"""Admin for evaluations. The model refuses changes to completed evaluations (§7), so the
admin obeys the same rule; completed ones are shown read-only."""

from __future__ import annotations

from typing import Any

from django.contrib import admin

from .models import Evaluation, EvaluationResponse, FollowUp


class ResponseInline(admin.TabularInline):
    model = EvaluationResponse
    extra = 0
    readonly_fields = ["respondent", "answers", "submitted_at"]


class FollowUpInline(admin.TabularInline):
    model = FollowUp
    extra = 0
    fields = ["title", "responsible", "deadline", "status", "task_id"]


@admin.register(Evaluation)
class EvaluationAdmin(admin.ModelAdmin):
    list_display = ["subject_display", "municipality", "period_start", "period_end", "method",
                    "status"]
    list_filter = ["status", "method", "subject_kind", "municipality__police_district"]
    search_fields = ["municipality__name", "subject_name", "summary"]
    list_select_related = ["municipality"]
    raw_id_fields = ["municipality", "created_by", "completed_by"]
    inlines = [ResponseInline, FollowUpInline]

    def get_readonly_fields(self, request: Any, obj: Evaluation | None = None) -> Any:
        if obj is not None and obj.is_completed:
            return [f.name for f in obj._meta.fields]
        return ["facts", "completed_at", "completed_by", "status"]

    def has_delete_permission(self, request: Any, obj: Evaluation | None = None) -> bool:
        return not (obj is not None and obj.is_completed) and super().has_delete_permission(
            request, obj)
