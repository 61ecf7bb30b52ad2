"""Forms of the agreements. They parse input; the services decide."""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from samarbeid.models import (
    County,
    EvaluationMethod,
    Municipality,
    Organisation,
    OrganisationKind,
    PoliceDistrict,
)

from .models import (
    FOCUS_AREA_OTHER,
    AgreementKind,
    AgreementStatus,
    CooperationForm,
    CoordinationStep,
    FocusArea,
    Party,
)
from .services import validate_signed_pdf


def focus_area_choices(*, other: bool = True) -> list[tuple[str, str]]:
    """The guide's focus areas (§2) by code, in the reader's language, then «Other»."""
    rows = [(str(area.code), area.label) for area in FocusArea.objects.standard()]
    return rows + ([(FOCUS_AREA_OTHER, str(_("Other (describe)")))] if other else [])


class FocusAreaField(forms.ChoiceField):
    """A choice among the portal's one focus-area table (#15), by the rows' stable codes;
    «Other» cleans to None, and the form's own text field describes it."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("label", _("Focus area"))
        super().__init__(choices=(), **kwargs)

    def __deepcopy__(self, memo: dict[int, Any]) -> Any:
        # Each form gets its own copy of the field: read the rows once per form, in the
        # reader's language (a callable would be read again at validation and rendering).
        field = super().__deepcopy__(memo)  # type: ignore[misc]  # ChoiceField has it; stubs do not
        field.choices = [("", "---------"), *focus_area_choices()]
        return field

    def clean(self, value: Any) -> FocusArea | None:
        code = super().clean(value)
        if not code or code == FOCUS_AREA_OTHER:
            return None
        return FocusArea.objects.standard().get(code=code)

    def prepare_value(self, data: Any) -> Any:
        if isinstance(data, FocusArea):
            return data.code
        if isinstance(data, int):
            return FocusArea.objects.filter(pk=data).values_list("code", flat=True).first()
        return data


class RegisterFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=100,
                        widget=forms.TextInput(attrs={"type": "search",
                                                      "placeholder": _("Municipality or school")}))
    police_district = forms.ChoiceField(label=_("Police district"), required=False)
    county = forms.ChoiceField(label=_("County"), required=False)
    status = forms.ChoiceField(label=_("Status"), required=False,
                               choices=[("", _("All statuses"))] + list(AgreementStatus.choices))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["police_district"].choices = [("", _("All police districts"))] + [  # type: ignore[attr-defined]
            (d.code, d.name) for d in PoliceDistrict.objects.all()
        ]
        self.fields["county"].choices = [("", _("All counties"))] + [  # type: ignore[attr-defined]
            (c.number, c.name) for c in County.objects.all()
        ]


class AgreementCreateForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind of agreement"), choices=AgreementKind.choices,
                             initial=AgreementKind.MUNICIPALITY, widget=forms.RadioSelect)
    organisation = forms.ModelChoiceField(
        label=_("Upper secondary school"), required=False, queryset=Organisation.objects.none(),
        help_text=_("Only for an agreement with an upper secondary school in the municipality."),
    )

    def __init__(self, *args: Any, municipality: Municipality, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = Organisation.objects.filter(  # type: ignore[attr-defined]
            municipality=municipality, kind=OrganisationKind.UPPER_SECONDARY_SCHOOL
        )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("kind") == AgreementKind.SCHOOL and not data.get("organisation"):
            self.add_error("organisation", _("Choose the school. If it is missing, ask an "
                                             "administrator to register it."))
        return data


class VersionForm(forms.Form):
    strategies = forms.CharField(
        label=_("Strategies and goals"), required=False, widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("Long-term strategic goals for the cooperation (guide §3)."),
    )
    focus_areas = forms.ModelMultipleChoiceField(
        label=_("Focus areas"), required=False, queryset=FocusArea.objects.filter(is_standard=True),
        widget=forms.CheckboxSelectMultiple,
        help_text=_("The guide's list of common challenges (§2)."),
    )
    custom_focus_areas = forms.CharField(
        label=_("Other focus areas"), required=False, widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Focus areas not on the guide's list, one per line."),
    )
    forms_of_cooperation = forms.MultipleChoiceField(
        label=_("Forms of cooperation"), required=False, choices=CooperationForm.choices,
        widget=forms.CheckboxSelectMultiple,
    )
    thematic_forums = forms.CharField(
        label=_("Thematic forums"), required=False, widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Which themes, for example nightlife or domestic violence (guide §4.3)."),
    )
    extended_council_participants = forms.CharField(
        label=_("Participants in the extended council"), required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Business, volunteer organisations, upper secondary schools (guide §4.2)."),
    )
    meetings_per_year = forms.IntegerField(
        label=_("Council meetings per year"), min_value=1, max_value=52, initial=2,
        help_text=_("The guide recommends at least two (§4.1.2)."),
    )
    agenda_lead_days = forms.IntegerField(
        label=_("Days before a meeting the agenda is sent"), min_value=1, max_value=60, initial=7,
    )
    evaluation_interval_months = forms.IntegerField(
        label=_("Evaluate every (months)"), min_value=1, max_value=60, initial=12,
    )
    evaluation_method = forms.ChoiceField(
        label=_("Evaluation method"), required=False, widget=forms.RadioSelect,
        choices=[("", _("Not agreed yet"))] + list(EvaluationMethod.choices),
        help_text=_("Guide §7."),
    )
    revision_date = forms.DateField(
        label=_("Revise by (date)"), required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    revision_interval_months = forms.IntegerField(
        label=_("Or revise every (months)"), required=False, min_value=1, max_value=120,
        help_text=_("Give a date or an interval (guide §3: plan for revision)."),
    )


class MeasureForm(forms.Form):
    title = forms.CharField(label=_("Measure"), required=False, max_length=200)
    coordination_step = forms.TypedChoiceField(
        label=_("Coordination step"), coerce=int, choices=CoordinationStep.choices, initial=1,
        help_text=_("The coordination staircase (guide §2.3)."),
    )
    responsible = forms.CharField(label=_("Responsible"), required=False, max_length=200)
    description = forms.CharField(label=_("Description"), required=False,
                                  widget=forms.Textarea(attrs={"rows": 2}))


MeasureFormSet = forms.formset_factory(MeasureForm, extra=2, max_num=50)


class SignForm(forms.Form):
    party = forms.ChoiceField(label=_("I sign for"), choices=Party.choices, widget=forms.RadioSelect)
    signed_pdf = forms.FileField(
        label=_("Scanned signed copy (optional)"), required=False,
        help_text=_("A PDF of the agreement signed on paper, if the parties also sign in ink."),
        widget=forms.ClearableFileInput(attrs={"accept": "application/pdf"}),
    )
    confirm = forms.BooleanField(
        label=_("I have read the agreement and sign it on behalf of my party."), required=True,
    )

    def __init__(self, *args: Any, parties: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        labels = dict(Party.choices)
        self.fields["party"].choices = [(p, labels[p]) for p in parties]  # type: ignore[attr-defined]
        if len(parties) == 1:
            self.fields["party"].initial = parties[0]
            self.fields["party"].widget = forms.HiddenInput()

    def clean_signed_pdf(self) -> Any:
        upload = self.cleaned_data.get("signed_pdf")
        if upload:
            validate_signed_pdf(upload)
        return upload


class DeclineForm(forms.Form):
    declined_on = forms.DateField(label=_("Date of the decision"),
                                  widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    note = forms.CharField(
        label=_("Decision"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Who decided and why, or which other form of cooperation the municipality "
                    "uses. Declining is the municipality's free choice (guide §2.3)."),
    )


class VerifyForm(forms.Form):
    fingerprint = forms.CharField(
        label=_("Fingerprint (SHA-256)"), required=False, max_length=64, min_length=64,
        help_text=_("The 64 characters printed under the signatures."),
    )
    document = forms.FileField(
        label=_("Or upload the PDF"), required=False,
        widget=forms.ClearableFileInput(attrs={"accept": "application/pdf"}),
    )

    def clean_fingerprint(self) -> str:
        value = (self.cleaned_data.get("fingerprint") or "").strip().lower()
        if value and any(c not in "0123456789abcdef" for c in value):
            raise forms.ValidationError(_("A fingerprint has only the characters 0–9 and a–f."))
        return value

    def clean_document(self) -> Any:
        upload = self.cleaned_data.get("document")
        if upload:
            # Untrusted input, checked as a whole: a few MB at most (issue 16).
            if upload.size is not None and upload.size > settings.VERIFY_MAX_BYTES:
                raise forms.ValidationError(
                    _("The file is too large (at most %(mb)d MB). A sealed agreement from the "
                      "portal is much smaller.") % {"mb": settings.VERIFY_MAX_BYTES // 2**20},
                    code="size")
            validate_signed_pdf(upload)
        return upload

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not self.errors and not data.get("fingerprint") and not data.get("document"):
            raise forms.ValidationError(_("Enter a fingerprint or choose a PDF file."))
        return data


class CompareForm(forms.Form):
    a = forms.TypedChoiceField(label=_("Compare version"), coerce=int)
    b = forms.TypedChoiceField(label=_("with version"), coerce=int)

    def __init__(self, *args: Any, numbers: list[int], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices = [(n, str(n)) for n in numbers]
        self.fields["a"].choices = choices  # type: ignore[attr-defined]
        self.fields["b"].choices = choices  # type: ignore[attr-defined]
