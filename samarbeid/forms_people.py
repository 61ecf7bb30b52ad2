"""Forms of the People pages, invitations and the second factor."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth import password_validation
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .models import Municipality, OperationalUnit, PoliceDistrict, Role

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class InviteForm(forms.Form):
    email = forms.EmailField(label=_("E-mail"), max_length=254)
    name = forms.CharField(label=_("Full name"), max_length=200, required=False)
    role = forms.ChoiceField(label=_("Role"))
    municipality = forms.ModelChoiceField(
        label=_("Municipality"), queryset=Municipality.objects.none(), required=False,
        to_field_name="number",
        help_text=_("For municipal leaders, police contacts and SLT coordinators."))
    operational_unit = forms.ModelChoiceField(
        label=_("Operational unit"), queryset=OperationalUnit.objects.none(), required=False,
        help_text=_("For police leadership."))
    police_district = forms.ModelChoiceField(
        label=_("Police district"), queryset=PoliceDistrict.objects.none(), required=False,
        to_field_name="code", help_text=_("For district administrators."))
    title = forms.CharField(label=_("Title"), max_length=120, required=False,
                            help_text=_("For example mayor, chief municipal executive, chief of "
                                        "police."))
    can_sign = forms.BooleanField(
        label=_("May sign agreements"), required=False,
        help_text=_("Mayor or delegate for the municipality; chief of police or delegate for "
                    "the police."))
    starts_on = forms.DateField(label=_("Starts"), widget=DATE,
                                help_text=_("After an election: the handover date."))
    ends_on = forms.DateField(label=_("Ends"), widget=DATE, required=False,
                              help_text=_("Leave empty if the role has no end date."))
    share_of_position = forms.IntegerField(
        label=_("Share of position (%)"), min_value=1, max_value=100, initial=100,
        help_text=_("Only for a police contact: how much of the position goes to this "
                    "municipality (guide §5.3)."))

    def __init__(self, *args: Any, roles: list[tuple[str, Any]],
                 municipalities: Any, units: Any, districts: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        role_field: Any = self.fields["role"]
        role_field.choices = [("", _("Choose a role"))] + roles
        for name, qs in (("municipality", municipalities), ("operational_unit", units),
                         ("police_district", districts)):
            field: Any = self.fields[name]
            field.queryset = qs
        self.fields["starts_on"].initial = timezone.localdate()

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        role = data.get("role")
        needs = {Role.MUNICIPAL_LEADER: "municipality", Role.POLICE_CONTACT: "municipality",
                 Role.SLT_COORDINATOR: "municipality", Role.POLICE_LEADERSHIP: "operational_unit",
                 Role.DISTRICT_ADMIN: "police_district"}
        field = needs.get(role) if role else None
        if field and not data.get(field):
            self.add_error(field, _("This role needs this field."))
        return data


class SeatInviteForm(forms.Form):
    email = forms.EmailField(label=_("E-mail"), max_length=254)
    name = forms.CharField(label=_("Full name"), max_length=200, required=False)
    seat_role = forms.ChoiceField(label=_("Role in the council"))

    def __init__(self, *args: Any, roles: list[tuple[str, Any]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field: Any = self.fields["seat_role"]
        field.choices = roles


class AcceptForm(forms.Form):
    """A new account: name and, where passwords are on, a password."""

    first_name = forms.CharField(label=_("First name"), max_length=150)
    last_name = forms.CharField(label=_("Last name"), max_length=150)
    password1 = forms.CharField(label=_("Password"), strip=False,
                                widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
                                help_text=password_validation.password_validators_help_text_html())
    password2 = forms.CharField(label=_("Password again"), strip=False,
                                widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}))

    def __init__(self, *args: Any, email: str = "", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.email = email

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        one, two = data.get("password1"), data.get("password2")
        if one and two and one != two:
            self.add_error("password2", _("The two passwords are not the same."))
        elif one:
            from django.contrib.auth import get_user_model

            probe = get_user_model()(username=self.email, email=self.email,
                                     first_name=data.get("first_name", ""),
                                     last_name=data.get("last_name", ""))
            try:
                password_validation.validate_password(one, probe)
            except forms.ValidationError as exc:
                self.add_error("password1", exc)
        return data


class EndDateForm(forms.Form):
    ends_on = forms.DateField(label=_("Ends"), widget=DATE, required=False,
                              help_text=_("The role gives access up to, not including, this "
                                          "day. Leave empty if the role goes on."))


class CodeForm(forms.Form):
    code = forms.CharField(
        label=_("Code"), max_length=20,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric",
                                      "autofocus": True}),
        help_text=_("The six digits from the authenticator app, or one of your recovery codes."))
