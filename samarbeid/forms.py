from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from django import forms
from django.conf import settings
from django.contrib.auth.forms import PasswordResetForm
from django.utils.translation import gettext_lazy as _

from .models import County, Participation, PoliceDistrict


class MunicipalityFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=100,
                        widget=forms.TextInput(attrs={"type": "search",
                                                      "placeholder": _("Name or number")}))
    county = forms.ChoiceField(label=_("County"), required=False)
    police_district = forms.ChoiceField(label=_("Police district"), required=False)
    participation = forms.ChoiceField(
        label=_("Participation"), required=False,
        choices=[("", _("All"))] + list(Participation.choices),
    )

    def __init__(self, *args: Any, counties: Any = None, police_districts: Any = None,
                 **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        counties = counties if counties is not None else County.objects.all()
        districts = police_districts if police_districts is not None else PoliceDistrict.objects.all()
        county_field: Any = self.fields["county"]
        county_field.choices = [("", _("All counties"))] + [(c.number, c.name) for c in counties]
        district_field: Any = self.fields["police_district"]
        district_field.choices = [("", _("All police districts"))] + [
            (d.code, d.name) for d in districts
        ]


class ParticipationForm(forms.Form):
    participation = forms.ChoiceField(label=_("Participation"), choices=Participation.choices,
                                      widget=forms.RadioSelect)
    note = forms.CharField(
        label=_("Note"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("For example the date of the decision, or which other form of cooperation "
                    "the municipality uses."),
    )


class ReminderSettingsForm(forms.Form):
    muted = forms.MultipleChoiceField(
        label=_("Reminders I do not want"), required=False, widget=forms.CheckboxSelectMultiple,
        help_text=_("Reminders that matter for the guide's rules cannot be turned off."),
    )

    def __init__(self, *args: Any, choices: list[tuple[str, Any]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        muted: Any = self.fields["muted"]
        muted.choices = choices


class PasswordResetByTaskForm(PasswordResetForm):
    """The reset e-mail is made and sent by a task, after the response: the page answers in
    the same time whether or not the address belongs to an account (no account
    enumeration by timing, ASVS V6), and a slow mail server never holds the request."""

    def save(self, domain_override: str | None = None, *args: Any, use_https: bool = False,
             request: Any = None, **kwargs: Any) -> None:
        from . import tasks

        email = self.cleaned_data["email"]
        site = urlsplit(settings.SITE_URL)
        tasks.enqueue_on_commit(tasks.send_password_reset, email,
                                domain_override or site.netloc,
                                use_https or site.scheme == "https")
