from __future__ import annotations

from typing import Any, cast

from django import forms
from django.contrib.auth import get_user_model
from django.db.models import Case, IntegerField, Value, When
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from avtaler.forms import FocusAreaField, focus_area_choices
from avtaler.models import FOCUS_AREA_OTHER
from samarbeid.models import MeasureStatus, Municipality

from .models import (
    LEVEL_ORDER,
    LevelKind,
    SltActionPlan,
    SltLevel,
    SltMeasure,
    SltModel,
    SltStatus,
)

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class PersonChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        name = obj.get_full_name()
        return f"{name} ({obj.get_username()})" if name else obj.get_username()


class SltModelForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Status"), choices=SltStatus.choices, widget=forms.RadioSelect,
        help_text=_("SLT is voluntary (guide §6). Not established, or another model, is a "
                    "legitimate choice."),
    )
    status_note = forms.CharField(label=_("Note on the status"), required=False,
                                  max_length=4000, widget=forms.Textarea(attrs={"rows": 3}))
    coordinator = PersonChoiceField(
        label=_("Coordinator"), required=False, queryset=get_user_model().objects.none(),
        help_text=_("Someone with a role in the municipality in the portal. Give the SLT "
                    "coordinator role to the person first if they are not listed."),
    )
    coordinator_title = forms.CharField(
        label=_("Coordinator's title"), max_length=120, initial="SLT-koordinator",
        help_text=_("For example SLT-koordinator or kriminalitetsforebyggende koordinator."),
    )
    other_municipalities = forms.ModelMultipleChoiceField(
        label=_("Shared with municipalities"), required=False,
        queryset=Municipality.objects.none(),
        widget=forms.SelectMultiple(attrs={"size": 6}),
        help_text=_("Only when several municipalities share one SLT model. The municipalities "
                    "of the same police district are listed."),
    )

    def __init__(self, *args: Any, people: Any, neighbours: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["coordinator"].queryset = people  # type: ignore[attr-defined]
        self.fields["other_municipalities"].queryset = neighbours  # type: ignore[attr-defined]


class LevelForm(forms.ModelForm):
    class Meta:
        model = SltLevel
        fields = ["description", "police_council"]
        widgets = {"description": forms.Textarea(attrs={"rows": 4})}

    def __init__(self, *args: Any, councils: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.kind == LevelKind.STEERING:
            self.fields["police_council"].queryset = councils  # type: ignore[attr-defined]
        else:
            del self.fields["police_council"]

    def _post_clean(self) -> None:
        pass  # the service runs full_clean and its errors come back on the form


class LevelMemberForm(forms.Form):
    user = PersonChoiceField(label=_("Portal user"), required=False,
                             queryset=get_user_model().objects.none())
    name = forms.CharField(label=_("Name (member outside the portal)"), required=False,
                           max_length=150)
    email = forms.EmailField(label=_("E-mail"), required=False)
    organisation = forms.CharField(label=_("Organisation"), required=False, max_length=200)
    role = forms.CharField(label=_("Role in the level"), required=False, max_length=120)

    def __init__(self, *args: Any, people: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["user"].queryset = people  # type: ignore[attr-defined]


class LevelMeetingForm(forms.Form):
    date = forms.DateField(label=_("Date of the meeting"), widget=DATE,
                           initial=timezone.localdate)
    notes = forms.CharField(label=_("Notes"), required=False, max_length=4000,
                            widget=forms.Textarea(attrs={"rows": 3}),
                            help_text=_("Keep personal data out of the notes (§4.1.5)."))


class MeasureForm(forms.ModelForm):
    focus_area = FocusAreaField()

    class Meta:
        model = SltMeasure
        fields = [
            "title", "description", "level", "focus_area", "focus_area_other", "age_from",
            "age_to", "target_group", "responsible", "responsible_name", "coordination_step",
            "starts_on", "ends_on", "status", "action_plan", "council_task",
        ]
        widgets = {
            "description": forms.Textarea(attrs={"rows": 3}),
            "starts_on": DATE,
            "ends_on": DATE,
        }
        field_classes = {"responsible": PersonChoiceField}

    def __init__(self, *args: Any, slt_model: SltModel, people: Any, tasks: Any,
                 **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk and self.instance.focus_area_id is None:
            self.initial["focus_area"] = FOCUS_AREA_OTHER  # a saved «Other» opens as «Other»
        elif self.instance.pk:
            # The field's choices are the rows' codes; the model's initial is the row's id.
            self.initial["focus_area"] = self.fields["focus_area"].prepare_value(
                self.instance.focus_area)
        self.instance.slt_model = slt_model
        # The guide's order (styrende, koordinerende, utførende), not the alphabet's.
        levels = slt_model.levels.annotate(level_order=Case(
            *[When(kind=k, then=Value(i)) for i, k in enumerate(LEVEL_ORDER)],
            default=Value(9), output_field=IntegerField())).order_by("level_order")
        self.fields["level"].queryset = levels  # type: ignore[attr-defined]
        self.fields["level"].label_from_instance = lambda lv: lv.get_kind_display()  # type: ignore[attr-defined]
        self.fields["responsible"].queryset = people  # type: ignore[attr-defined]
        self.fields["action_plan"].queryset = SltActionPlan.objects.filter(  # type: ignore[attr-defined]
            slt_model=slt_model)
        # `tasks` holds only the tasks the user may read (the council policy). A measure that
        # links a task the user may not read keeps the link: the field is left out, so the
        # user can neither see the task's title nor unlink it by saving.
        self.council_task_withheld = bool(
            self.instance.council_task_id
            and not tasks.filter(pk=self.instance.council_task_id).exists())
        if self.council_task_withheld:
            del self.fields["council_task"]
        else:
            self.fields["council_task"].queryset = tasks  # type: ignore[attr-defined]
            self.fields["council_task"].label_from_instance = (  # type: ignore[attr-defined]
                lambda t: f"{t.title} ({t.deadline:%d.%m.%Y})")

    def _post_clean(self) -> None:
        # Leave model validation to the service (which calls full_clean); the view puts its
        # errors back on the form next to the fields.
        pass


class MeasureUpdateForm(forms.Form):
    text = forms.CharField(label=_("What has happened?"), max_length=4000,
                           widget=forms.Textarea(attrs={"rows": 3}))
    date = forms.DateField(label=_("Date"), widget=DATE, initial=timezone.localdate)
    status = forms.ChoiceField(label=_("Status after this update"), choices=MeasureStatus.choices)


class MeasureFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=100,
                        widget=forms.TextInput(attrs={"type": "search"}))
    status = forms.ChoiceField(label=_("Status"), required=False,
                               choices=[("", _("All statuses"))] + list(MeasureStatus.choices))
    level = forms.ChoiceField(label=_("Level"), required=False,
                              choices=[("", _("All levels"))] + list(LevelKind.choices))
    focus_area = forms.ChoiceField(label=_("Focus area"), required=False)
    overdue = forms.BooleanField(label=_("Only overdue"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Once per form: a callable would be read again at validation and at rendering.
        field = self.fields["focus_area"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [("", _("All focus areas")), *focus_area_choices()]


class ActionPlanForm(forms.Form):
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100,
                              initial=lambda: timezone.localdate().year)
    title = forms.CharField(label=_("Title"), required=False, max_length=200)
    goals = forms.CharField(label=_("Goals and priorities"), required=False, max_length=8000,
                            widget=forms.Textarea(attrs={"rows": 4}))


class DashboardFilterForm(forms.Form):
    municipality = forms.ChoiceField(label=_("Municipality"), required=False)

    def __init__(self, *args: Any, municipalities: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = cast(forms.ChoiceField, self.fields["municipality"])
        field.choices = [("", _("All my municipalities")), *municipalities]
