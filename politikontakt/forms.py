from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from samarbeid.models import Municipality, OperationalUnit, PoliceDistrict

from .models import MAX_MUNICIPALITIES_WITHOUT_APPROVAL, PreventiveFunction, PreventiveFunctionKind

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class ContactChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        name = obj.get_full_name() or obj.get_username()
        return f"{name} ({obj.get_username()})"


class AssignmentFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=100,
                        widget=forms.TextInput(attrs={"type": "search",
                                                      "placeholder": _("Contact or municipality")}))
    status = forms.ChoiceField(label=_("Status"), required=False, choices=[
        ("active", _("Current and planned")), ("ended", _("Ended")), ("all", _("All"))])
    police_district = forms.ChoiceField(label=_("Police district"), required=False)

    def __init__(self, *args: Any, districts: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field: Any = self.fields["police_district"]
        field.choices = [("", _("All police districts"))] + [
            (d.code, d.name) for d in districts]


class AssignmentForm(forms.Form):
    contact = ContactChoiceField(
        label=_("Police contact"), queryset=None,  # type: ignore[arg-type]
        help_text=_("Users with a police role in the police district (police contact, police "
                    "leadership or district administrator)."),
    )
    operational_unit: forms.ModelChoiceField[Any] = forms.ModelChoiceField(
        label=_("Operational unit"), queryset=None, required=False,  # type: ignore[arg-type]
        help_text=_("Police contacts belong to a geographic operational unit (guide §5.3). "
                    "Empty: the municipality's unit."),
    )
    share_of_position = forms.IntegerField(
        label=_("Share of position (%)"), min_value=1, max_value=100, initial=100,
        help_text=_("How much of the contact's position goes to this municipality. The role "
                    "works best as a full-time role (guide §5.3)."),
    )
    starts_on = forms.DateField(label=_("Starts"), widget=DATE)
    ends_on = forms.DateField(label=_("Ends"), required=False, widget=DATE,
                              help_text=_("Leave empty if no end is planned."))
    mandate = forms.CharField(
        label=_("Mandate and authority"), required=False, max_length=4000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("What the contact may decide and commit to on the police's behalf; where "
                    "decisions go to the service-unit leader (guide §5.2)."),
    )

    def __init__(self, *args: Any, contacts: Any, units: Any, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {}).setdefault("starts_on", timezone.localdate())
        super().__init__(*args, **kwargs)
        self.fields["contact"].queryset = contacts  # type: ignore[attr-defined]
        self.fields["operational_unit"].queryset = units  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("ends_on") and data.get("starts_on") and data["ends_on"] < data["starts_on"]:
            self.add_error("ends_on", _("The end date must be after the start date."))
        return data


class AssignmentChangeForm(forms.Form):
    share_of_position = forms.IntegerField(label=_("Share of position (%)"), min_value=1,
                                           max_value=100)
    mandate = forms.CharField(label=_("Mandate and authority"), required=False, max_length=4000,
                              widget=forms.Textarea(attrs={"rows": 4}))


class AssignmentEndForm(forms.Form):
    ends_on = forms.DateField(label=_("Last day as police contact"), widget=DATE)

    def __init__(self, *args: Any, starts_on: Any, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {}).setdefault("ends_on", timezone.localdate())
        super().__init__(*args, **kwargs)
        self.starts_on = starts_on

    def clean_ends_on(self) -> Any:
        value = self.cleaned_data["ends_on"]
        if value < self.starts_on:
            raise forms.ValidationError(_("The end date must be after the start date."))
        # The user gives the last day; the assignment stores the first day it no longer
        # holds (`ends_on` is exclusive, as for memberships), so "last day = today" keeps
        # the contact and the access through today.
        return value + dt.timedelta(days=1)


class ApprovalRequestForm(forms.Form):
    contact = ContactChoiceField(label=_("Police contact"), queryset=None)  # type: ignore[arg-type]
    municipality: forms.ModelChoiceField[Any] = forms.ModelChoiceField(
        label=_("Municipality it is for"), queryset=None, required=False,  # type: ignore[arg-type]
        help_text=_("The municipality that needs the contact beyond the third."),
    )
    max_municipalities = forms.IntegerField(
        label=_("Municipalities in all"), min_value=MAX_MUNICIPALITIES_WITHOUT_APPROVAL + 1,
        max_value=20, initial=MAX_MUNICIPALITIES_WITHOUT_APPROVAL + 1,
        help_text=_("How many municipalities the contact may cover in all with this approval."),
    )
    reason = forms.CharField(
        label=_("Reason"), max_length=4000, widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Why the contact needs to cover more than three municipalities, for example "
                    "small municipalities or a shared regional council (guide §5, footnote 15)."),
    )

    def __init__(self, *args: Any, contacts: Any, municipalities: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["contact"].queryset = contacts  # type: ignore[attr-defined]
        self.fields["municipality"].queryset = municipalities  # type: ignore[attr-defined]


class ApprovalDecisionForm(forms.Form):
    decision = forms.ChoiceField(label=_("Your decision"), widget=forms.RadioSelect, choices=[
        ("approve", _("Approve")), ("reject", _("Reject"))])
    expires_on = forms.DateField(label=_("Valid until"), required=False, widget=DATE,
                                 help_text=_("Optional. Leave empty for no expiry."))
    note = forms.CharField(label=_("Note on the decision"), required=False, max_length=2000,
                           widget=forms.Textarea(attrs={"rows": 3}),
                           help_text=_("Required when rejecting."))


class DistrictChoiceForm(forms.Form):
    district = forms.ModelChoiceField(label=_("Police district"),
                                      queryset=PoliceDistrict.objects.none(), to_field_name="code",
                                      empty_label=None)

    def __init__(self, *args: Any, districts: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["district"].queryset = districts  # type: ignore[attr-defined]


class DirectoryFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=100,
                        widget=forms.TextInput(attrs={"type": "search"}))
    kind = forms.ChoiceField(label=_("Function"), required=False,
                             choices=[("", _("All functions"))] + list(PreventiveFunctionKind.choices))


class PreventiveFunctionForm(forms.ModelForm):
    class Meta:
        model = PreventiveFunction
        fields = ["kind", "other_name", "holder_name", "phone", "email", "note"]
        widgets = {"note": forms.Textarea(attrs={"rows": 3}),
                   "phone": forms.TextInput(attrs={"type": "tel", "autocomplete": "off"})}


def units_for(municipality: Municipality) -> Any:
    return OperationalUnit.objects.filter(police_district_id=municipality.police_district_id)
