"""Django admin for administrators, in Norwegian through the models' verbose names.

Every change here enters the audit trail with the fields it changed (who may sign must never
change unrecorded); memberships are created and ended through the services.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from . import services
from .admin_audit import AuditedAdmin
from .models import (
    AuditEvent,
    County,
    Membership,
    Municipality,
    OperationalUnit,
    Organisation,
    PoliceDistrict,
    Role,
    SentReminder,
)


@admin.register(County)
class CountyAdmin(AuditedAdmin):
    list_display = ["number", "name"]
    search_fields = ["name", "number"]


@admin.register(PoliceDistrict)
class PoliceDistrictAdmin(AuditedAdmin):
    list_display = ["code", "name"]


@admin.register(OperationalUnit)
class OperationalUnitAdmin(AuditedAdmin):
    list_display = ["name", "police_district"]
    list_filter = ["police_district"]
    search_fields = ["name"]


@admin.register(Municipality)
class MunicipalityAdmin(AuditedAdmin):
    list_display = ["number", "name", "county", "police_district", "operational_unit",
                    "population", "participation"]
    list_filter = ["police_district", "county", "participation"]
    search_fields = ["name", "number"]
    list_select_related = ["county", "police_district", "operational_unit"]
    readonly_fields = ["number", "population", "population_date"]


@admin.register(Organisation)
class OrganisationAdmin(AuditedAdmin):
    list_display = ["name", "kind", "county", "municipality"]
    list_filter = ["kind"]
    search_fields = ["name", "organisation_number"]
    autocomplete_fields = ["municipality", "county"]


class MembershipAdminForm(forms.ModelForm):
    class Meta:
        model = Membership
        fields = ["user", "role", "municipality", "operational_unit", "police_district", "title",
                  "can_sign", "starts_on", "ends_on"]

    def clean_role(self) -> str:
        role = self.cleaned_data["role"]
        if role == Role.POLICE_CONTACT and (self.instance.pk is None
                                            or self.instance.role != Role.POLICE_CONTACT):
            # Veileder §5: the rule of three lives in politikontakt's assignment service.
            raise forms.ValidationError(_(
                "Police contacts are assigned under Police contacts → Assignments, where the "
                "rule of at most three municipalities is checked."))
        return str(role)


@admin.register(Membership)
class MembershipAdmin(AuditedAdmin):
    form = MembershipAdminForm
    list_display = ["user", "role", "municipality", "operational_unit", "police_district",
                    "can_sign", "starts_on", "ends_on"]
    list_filter = ["role", "police_district", "can_sign"]
    search_fields = ["user__username", "user__email", "municipality__name"]
    autocomplete_fields = ["municipality", "user"]
    list_select_related = ["user", "municipality", "operational_unit", "police_district"]

    def save_model(self, request: HttpRequest, obj: Membership, form: Any, change: bool) -> None:
        if not change:
            created = services.membership_create(
                user=obj.user, role=obj.role, municipality=obj.municipality,
                operational_unit=obj.operational_unit, police_district=obj.police_district,
                title=obj.title, can_sign=obj.can_sign, starts_on=obj.starts_on,
                actor=request.user,
            )
            obj.pk = created.pk
            return
        super().save_model(request, obj, form, change)

    def delete_model(self, request: HttpRequest, obj: Membership) -> None:
        services.membership_end(membership=obj, actor=request.user)


@admin.register(SentReminder)
class SentReminderAdmin(admin.ModelAdmin):
    list_display = ["key", "recipient", "status", "attempts", "sent_at"]
    list_filter = ["status"]
    search_fields = ["key", "recipient"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    list_display = ["at", "actor", "action", "object_type", "object_id", "summary"]
    list_filter = ["action", "object_type"]
    search_fields = ["object_id", "summary", "actor__username"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


# Users: the same admin as Django's, audited (is_staff, is_superuser, is_active, groups).
User = get_user_model()
if admin.site.is_registered(User):
    admin.site.unregister(User)


@admin.register(User)
class AuditedUserAdmin(AuditedAdmin, UserAdmin):
    pass
