"""Filters of the report pages."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from samarbeid.compliance import STATUS_LABELS, Check
from samarbeid.models import PoliceDistrict

from .reports import OVERALL, STATUSES


class ReportListFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=100,
                        widget=forms.TextInput(attrs={"type": "search"}))
    check = forms.ChoiceField(label=_("Rule"), required=False)
    status = forms.ChoiceField(label=_("Status"), required=False)

    def __init__(self, *args: Any, checks: list[Check], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        check_field: Any = self.fields["check"]
        status_field: Any = self.fields["status"]
        check_field.choices = [("", _("Any")), (OVERALL, _("Overall"))] + [
            (c.code, c.label) for c in checks]
        status_field.choices = [("", _("Any"))] + [(s.value, STATUS_LABELS[s]) for s in STATUSES]


class MapForm(forms.Form):
    check = forms.ChoiceField(label=_("Colour by"), required=False)
    # Narrows the map (and the table below it) to one district: the view reads it from the
    # query string like every report page.
    district = forms.ChoiceField(label=_("Police district"), required=False)

    def __init__(self, *args: Any, checks: list[Check], districts: Iterable[PoliceDistrict] = (),
                 **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        check_field: Any = self.fields["check"]
        check_field.choices = [("", _("Overall status"))] + [(c.code, c.label) for c in checks]
        district_field: Any = self.fields["district"]
        district_field.choices = [("", _("Every district I see"))] + [
            (d.code, d.name) for d in districts]
