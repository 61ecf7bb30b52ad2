"""Admin for agreements. It obeys the same guards as the views: a version sent for signing or
signed is read-only here, and the model's save()/delete() refuse any change from elsewhere."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.http import HttpRequest

from samarbeid.admin_audit import AuditedAdmin

from .models import (
    CONTENT_FIELDS,
    Agreement,
    AgreementMeasure,
    AgreementVersion,
    FocusArea,
    Signature,
    SignedFocusAreaError,
    SignedVersionError,
)


class FocusAreaAdminForm(forms.ModelForm):
    class Meta:
        model = FocusArea
        fields = ["name", "is_standard", "order"]

    def clean_name(self) -> str:
        name: str = self.cleaned_data["name"]
        if self.instance.pk and name != self.instance.name and \
                self.instance._used_by_locked_version():
            raise SignedFocusAreaError()
        return name


@admin.register(FocusArea)
class FocusAreaAdmin(AuditedAdmin):
    form = FocusAreaAdminForm
    list_display = ["name", "is_standard", "order"]
    list_filter = ["is_standard"]
    search_fields = ["name"]

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        # Part of the text of signed versions (§3): FocusArea.delete() refuses too.
        return not (obj is not None and obj._used_by_locked_version()) and \
            super().has_delete_permission(request, obj)


class VersionAdminForm(forms.ModelForm):
    class Meta:
        model = AgreementVersion
        fields = ["strategies", "focus_areas", "custom_focus_areas", "forms_of_cooperation",
                  "thematic_forums", "extended_council_participants", "meetings_per_year",
                  "agenda_lead_days", "evaluation_interval_months", "evaluation_method",
                  "revision_date", "revision_interval_months"]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if self.instance.pk and self.instance.is_locked and \
                set(self.changed_data) & (set(CONTENT_FIELDS) | {"focus_areas"}):
            raise SignedVersionError()
        return data


class MeasureInline(admin.TabularInline):
    model = AgreementMeasure
    extra = 0

    def _locked(self, obj: Any) -> bool:
        return bool(obj is not None and getattr(obj, "is_locked", False))

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return not self._locked(obj) and super().has_add_permission(request, obj)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return not self._locked(obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return not self._locked(obj) and super().has_delete_permission(request, obj)


class SignatureInline(admin.TabularInline):
    model = Signature
    extra = 0
    can_delete = False
    readonly_fields = ["party", "user", "name", "role_title", "signed_at", "fingerprint",
                       "wet_ink_pdf"]

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # signing goes through the portal, where authority is checked


@admin.register(AgreementVersion)
class AgreementVersionAdmin(AuditedAdmin):
    form = VersionAdminForm
    list_display = ["agreement", "number", "status", "in_force_from", "revision_due"]
    list_filter = ["status"]
    list_select_related = ["agreement__municipality", "agreement__police_district",
                           "agreement__county", "agreement__organisation"]
    search_fields = ["agreement__municipality__name", "fingerprint"]
    inlines = [MeasureInline, SignatureInline]
    readonly_fields = ["agreement", "number", "status", "fingerprint", "sent_for_signing_at",
                       "in_force_from", "revision_due", "superseded_at", "created_by", "pdf",
                       "pdf_state"]

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        if obj is not None and obj.is_locked:
            return [f.name for f in obj._meta.fields] + ["focus_areas"]
        return self.readonly_fields

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return not (obj is not None and obj.is_locked) and super().has_delete_permission(request, obj)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # versions are made by the services (new agreement, revision)


@admin.register(Agreement)
class AgreementAdmin(AuditedAdmin):
    list_display = ["__str__", "kind", "status", "municipality", "police_district"]
    list_filter = ["kind", "status", "police_district"]
    list_select_related = ["municipality", "police_district", "county", "organisation"]
    search_fields = ["municipality__name", "organisation__name"]
    readonly_fields = ["kind", "municipality", "police_district", "county", "organisation",
                       "status", "in_force_version", "latest_version", "created_at", "created_by",
                       "declined_on", "decline_note"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # created through the portal, where access is checked

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return obj is None or not obj.versions.filter(status__in=["sent_for_signing", "in_force",
                                                                  "superseded"]).exists()
