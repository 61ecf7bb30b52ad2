"""Admin for evaluations. The model refuses changes to completed evaluations (§7), so the
admin obeys the same rule; completed ones are shown read-only."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db import transaction
from django.utils.translation import gettext as _

from samarbeid import audit
from samarbeid.models import AuditAction

from . import services
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

    # Edits in the admin are audited like those in the portal (issue 7 §3): who, what, when
    # and the object, never the typed text.
    def save_model(self, request: Any, obj: Evaluation, form: Any, change: bool) -> None:
        super().save_model(request, obj, form, change)
        audit.record(actor=request.user, action=AuditAction.CHANGE if change
                     else AuditAction.CREATE, obj=obj, summary=_("Changed in the admin"),
                     request=request)

    def save_formset(self, request: Any, form: Any, formset: Any, change: bool) -> None:
        super().save_formset(request, form, formset, change)
        parent = form.instance
        for item in formset.new_objects:
            audit.record(actor=request.user, action=AuditAction.CREATE, obj=parent,
                         summary=_("%(what)s %(id)s added in the admin")
                         % {"what": item._meta.verbose_name, "id": item.pk}, request=request)
        for item, _fields in formset.changed_objects:
            audit.record(actor=request.user, action=AuditAction.CHANGE, obj=parent,
                         summary=_("%(what)s %(id)s changed in the admin")
                         % {"what": item._meta.verbose_name, "id": item.pk}, request=request)
        for item in formset.deleted_objects:
            audit.record(actor=request.user, action=AuditAction.DELETE, obj=parent,
                         summary=_("%(what)s deleted in the admin")
                         % {"what": item._meta.verbose_name}, request=request)

    def delete_model(self, request: Any, obj: Evaluation) -> None:
        services.evaluation_delete(evaluation=obj, actor=request.user, request=request)

    def delete_queryset(self, request: Any, queryset: Any) -> None:
        # One by one, so the model's guard and the audit trail see every evaluation.
        with transaction.atomic():
            for obj in queryset:
                services.evaluation_delete(evaluation=obj, actor=request.user, request=request)
