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
