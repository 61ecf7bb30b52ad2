"""An admin base class whose creates, changes and deletions enter the audit trail like the
services' writes (issue 7 §3), so an object's history is complete whichever way it changed.

Only the names of the changed fields are recorded: the values may be free text.
"""

from __future__ import annotations

import dataclasses
from typing import Any

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest

from . import audit, policy
from .models import AuditAction


def changed_fields(form: Any, formsets: Any) -> str:
    names = list(form.changed_data)
    names += [str(fs.model._meta.verbose_name_plural) for fs in formsets if fs.has_changed()]
    return ", ".join(names)


class AuditedAdmin(admin.ModelAdmin):
    """The admin reads through the same policy as every page: a model with a restricted
    queryset shows staff only the rows their principal may read (an administrator of
    Politidirektoratet does not read a council's exempt tasks here either)."""

    def get_queryset(self, request: HttpRequest) -> QuerySet[Any]:
        qs = super().get_queryset(request)
        restrict = getattr(qs, "restrict", None)
        if restrict is None:
            return qs
        # Staff run the whole portal: they read what a national administrator reads — every
        # municipality's records, but a council's exempt content only with a seat or a
        # party's role of their own.
        principal = policy.for_user(request.user)
        if request.user.is_staff and not principal.national_admin:
            principal = dataclasses.replace(principal, national_admin=True)
        return restrict(principal)

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        super().save_related(request, form, formsets, change)
        if not change or form.has_changed() or any(fs.has_changed() for fs in formsets):
            audit.record(actor=request.user,
                         action=AuditAction.CHANGE if change else AuditAction.CREATE,
                         obj=form.instance, request=request,
                         summary=f"admin: {changed_fields(form, formsets)}".rstrip(": "))

    def delete_model(self, request: HttpRequest, obj: Any) -> None:
        audit.record(actor=request.user, action=AuditAction.DELETE, obj=obj, summary="admin",
                     request=request)
        super().delete_model(request, obj)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> None:
        for obj in queryset:
            audit.record(actor=request.user, action=AuditAction.DELETE, obj=obj,
                         summary="admin", request=request)
        super().delete_queryset(request, queryset)
