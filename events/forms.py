"""Forms shared by the admin and the site: fuzzy dates are typed as text and parsed."""

from django import forms

from events.fuzzydates import FuzzyDate, FuzzyDateError

FUZZY_DATE_HELP = (
    "As a person writes it: “11 July 2025”, “early Sept 2025”, “Q3 2025”, "
    "“late 2024 – early 2025”, “17–19 September 2025” or “2025-09-17/2025-09-19”."
)


class FuzzyDateFormField(forms.CharField):
    """Text in, `FuzzyDate` out; an unparseable date gets a message on the field."""

    def __init__(self, *, required: bool = True, **kwargs):
        kwargs.setdefault("help_text", FUZZY_DATE_HELP)
        kwargs.setdefault(
            "widget", forms.TextInput(attrs={"size": 32, "placeholder": "early Sept 2025"})
        )
        super().__init__(required=required, **kwargs)

    def prepare_value(self, value):
        return str(value) if isinstance(value, FuzzyDate) else value

    def to_python(self, value):
        text = super().to_python(value)
        if not text:
            return None
        try:
            return FuzzyDate.parse(text)
        except FuzzyDateError as error:
            raise forms.ValidationError(error.messages, code="fuzzy_date") from error


class FuzzyDateModelForm(forms.ModelForm):
    """A ModelForm that edits each of the model's fuzzy dates as one text field.

    The three columns behind a fuzzy date are not editable; this form adds a field named like
    the fuzzy date itself and writes the parsed value back through the model's descriptor.
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, declaration in getattr(self._meta.model, "_fuzzy_dates", {}).items():
            field = self.fields.get(name)
            if field is None:
                continue
            field.required = not declaration.null
            field.label = field.label or (declaration.verbose_name or name).capitalize()
            current = getattr(self.instance, name)
            if current is not None and name not in self.initial:
                self.initial[name] = current

    def _post_clean(self):
        for name in getattr(self._meta.model, "_fuzzy_dates", {}):
            if name in self.cleaned_data:
                setattr(self.instance, name, self.cleaned_data[name])
        super()._post_clean()


def fuzzy_date_form(model) -> type[FuzzyDateModelForm]:
    """A FuzzyDateModelForm subclass for `model` with one text field per fuzzy date."""
    declared = {
        name: FuzzyDateFormField(required=not declaration.null)
        for name, declaration in getattr(model, "_fuzzy_dates", {}).items()
    }
    meta = type("Meta", (), {"model": model, "fields": "__all__"})
    return type(f"{model.__name__}Form", (FuzzyDateModelForm,), {**declared, "Meta": meta})


class TimelineForm(forms.Form):
    """The timeline's filters; like the lists', they live in the URL."""

    channel = forms.ModelChoiceField(
        queryset=None, required=False, to_field_name="slug", empty_label="Any channel"
    )
    party = forms.ModelChoiceField(
        queryset=None, required=False, to_field_name="slug", empty_label="Any party"
    )
    track = forms.ChoiceField(required=False)
    kind = forms.MultipleChoiceField(
        required=False, widget=forms.CheckboxSelectMultiple, label="Show"
    )
    during = FuzzyDateFormField(
        required=False, label="During", help_text="A date or period, e.g. “September 2025”."
    )
    days = forms.IntegerField(
        required=False,
        min_value=1,
        max_value=3650,
        label="Recorded in the last … days",
        help_text="Only what editors recorded in this many days.",
    )

    def __init__(self, *args, **kwargs):
        from events.models import Actor, ActorKind, Channel, Track
        from events.querysets import TIMELINE_KINDS

        super().__init__(*args, **kwargs)
        self.fields["channel"].queryset = Channel.objects.with_parties()
        self.fields["party"].queryset = Actor.objects.filter(kind=ActorKind.STATE)
        self.fields["track"].choices = [("", "Any track"), *Track.choices]
        self.fields["kind"].choices = list(TIMELINE_KINDS.items())
