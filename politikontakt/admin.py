"""Django admin for police contacts. Assignments go through the services, so the rule of
three (Veileder §5, footnote 15) and the police-contact membership follow every change."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.http import HttpRequest

from . import services
from .models import Assignment, DirectorateApproval, PreventiveFunction


class _DryRun(Exception):
    """Raised to roll back the trial run of the service inside the form's validation."""


class AssignmentAdminForm(forms.ModelForm):
    class Meta:
        model = Assignment
        fields = ["contact", "municipality", "operational_unit", "starts_on", "ends_on",
                  "share_of_position", "mandate"]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if self.instance.pk is None and not self.errors:
            # Run the service and roll it back, so a refusal shows in the form; save_model
            # runs it again for real (under the lock).
            try:
                with transaction.atomic():
                    services.assignment_create(
                        contact=data["contact"], municipality=data["municipality"],
                        share_of_position=data["share_of_position"], mandate=data["mandate"],
                        operational_unit=data.get("operational_unit"),
                        starts_on=data.get("starts_on"), ends_on=data.get("ends_on"))
                    raise _DryRun
            except _DryRun:
                pass
            except ValidationError as exc:
                raise ValidationError(exc.messages) from exc
        return data


@admin.register(Assignment)
class AssignmentAdmin(admin.ModelAdmin):
    form = AssignmentAdminForm
    list_display = ["contact", "municipality", "share_of_position", "starts_on", "ends_on"]
    list_filter = ["municipality__police_district"]
    search_fields = ["contact__username", "contact__last_name", "municipality__name"]
    list_select_related = ["contact", "municipality"]
    autocomplete_fields = ["municipality"]

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        if obj is None:
            return []
        return ["contact", "municipality", "operational_unit", "starts_on", "ends_on"]

    def save_model(self, request: HttpRequest, obj: Assignment, form: Any, change: bool) -> None:
        if not change:
            created = services.assignment_create(
                contact=obj.contact, municipality=obj.municipality,
                share_of_position=obj.share_of_position, mandate=obj.mandate,
                operational_unit=obj.operational_unit, starts_on=obj.starts_on,
                ends_on=obj.ends_on, actor=request.user)
            obj.pk = created.pk
            obj._state.adding = False
            return
        services.assignment_change(assignment=obj, share_of_position=obj.share_of_position,
                                   mandate=obj.mandate, actor=request.user)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # end the assignment instead: the history stays (§5)


@admin.register(DirectorateApproval)
class DirectorateApprovalAdmin(admin.ModelAdmin):
    """Read-only here: requests and decisions are made in the portal, through the services."""

    list_display = ["contact", "police_district", "max_municipalities", "status", "expires_on"]
    list_filter = ["status", "police_district"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(PreventiveFunction)
class PreventiveFunctionAdmin(admin.ModelAdmin):
    list_display = ["kind", "holder_name", "police_district", "phone", "email"]
    list_filter = ["police_district", "kind"]
    search_fields = ["holder_name", "other_name"]

    # Through the services, so admin changes enter the audit trail too (issue 7 §3).
    def save_model(self, request: HttpRequest, obj: PreventiveFunction, form: Any,
                   change: bool) -> None:
        services.preventive_function_save(function=obj, actor=request.user)

    def delete_model(self, request: HttpRequest, obj: PreventiveFunction) -> None:
        services.preventive_function_delete(function=obj, actor=request.user)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[PreventiveFunction]) -> None:
        for function in queryset:
            services.preventive_function_delete(function=function, actor=request.user)
