"""Forms shared by the admin and the site: fuzzy dates are typed as text and parsed."""

import hashlib
import json
import re
from html import escape as escape_text
from typing import TYPE_CHECKING, cast

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Model

from events.fuzzydates import FuzzyDate, FuzzyDateError
from events.models import Actor, Channel, StatusChange
from events.summaries import TIMELINE_DAY_MODELS
from events.vocabularies import (
    TIMELINE_KINDS,
    TIMELINE_ORDERS,
    ActorKind,
    ChannelStatus,
    Region,
    Track,
)

if TYPE_CHECKING:
    _ModelFormBase = forms.ModelForm
else:
    _ModelFormBase = object

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


# Columns other saves move on their own (a status's first day shown is recomputed whenever
# another status on its channel is saved; a statement's day on the timeline when a source citing
# it is corrected, events.summaries): a change there is no colleague's edit of this record.
DERIVED_COLUMNS: dict[type[Model], set[str]] = {
    StatusChange: {"shown_from"},
    # A characterisation's day moves with its engagement's date.
    **{model: {"timeline_day"} for model in TIMELINE_DAY_MODELS},
}


def _guarded_fields(model) -> list:
    derived = DERIVED_COLUMNS.get(model, set())
    return [
        field
        for field in model._meta.concrete_fields
        if not field.primary_key
        and not getattr(field, "auto_now", False)
        and not getattr(field, "auto_now_add", False)
        and field.name not in derived
    ]


def record_snapshot(instance) -> dict[str, str]:
    """The stored values of a record's own columns, as text, to tell whether it changed."""
    return {
        field.attname: ""
        if getattr(instance, field.attname) is None
        else str(getattr(instance, field.attname))
        for field in _guarded_fields(type(instance))
    }


def record_version(instance) -> str:
    """A short token for the record as stored: the sha256 of its own columns' values.

    Forms carry this token rather than a copy of the record, so a record with a text of any
    length costs the form 64 characters."""
    text = json.dumps(record_snapshot(instance), sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(text.encode()).hexdigest()


VERSION_TOKEN = re.compile(r"[0-9a-f]{64}")
MISSING_CHECK = "This form is missing its edit check; reload the page and make your changes again."


def _typed_values(instance) -> dict:
    return {
        field.attname: getattr(instance, field.attname) for field in _guarded_fields(type(instance))
    }


def opened_version(model, pk, token: str) -> dict | None:
    """The values the record had when a form carrying `token` was opened, recovered from its
    saved versions (events.history): the newest version whose values match the token. None when
    that state was never kept as a version."""
    from reversion.models import Version

    versions = Version.objects.get_for_object_reference(model, pk).order_by("-pk")[:100]
    for version in versions:
        try:
            instance = version._object_version.object
        except Exception:  # a version saved under an older schema may not deserialize
            continue
        if record_version(instance) == token:
            return _typed_values(instance)
    return None


def refuse_if_changed(model, pk, token: str, *, what: str = "record") -> None:
    """Lock the stored row and refuse the save (`ValidationError`, nothing saved) if it is no
    longer the version `token` names: a colleague changed or deleted it since the form opened.
    The message says what they changed, field by field."""
    from events.caching import lock_data_version
    from events.history import changes_between

    if not VERSION_TOKEN.fullmatch(token or ""):
        raise forms.ValidationError(MISSING_CHECK, code="no_edit_check")
    lock_data_version()  # writers take this lock first: see events.caching
    current = model._default_manager.select_for_update().filter(pk=pk).first()
    if current is None:
        raise forms.ValidationError(
            f"Another editor deleted this {what} while you were editing it. Nothing was saved. "
            "Reload the page to see what is stored now.",
            code="deleted",
        )
    if record_version(current) == token:
        return
    opened = opened_version(model, pk, token)
    if opened is None:
        details = "its stored values (the version you opened is not in its history)"
    else:
        changed = changes_between(model, opened, _typed_values(current))
        details = "; ".join(f"{c.field}: “{c.before}” → “{c.after}”" for c in changed)
    label = f"this {what}" if what == "record" else f"this {what} ({current})"
    raise forms.ValidationError(
        f"Another editor saved {label} after you opened it, so your changes were not "
        f"saved. They changed: {details or 'its stored values'}. Reload the page to see "
        "their version, then apply your changes again.",
        code="stale",
    )


class ServiceCheckedForm(forms.ModelForm):
    """Shows the services' rules for this record (`events.services.record_check`) on its fields
    before anything is saved; the admin then saves through `events.services.record_save`, which
    applies them again."""

    def _post_clean(self):
        super()._post_clean()  # type: ignore[misc]  # Django's hook, missing from the stubs
        if self.errors:
            return
        from events import services

        try:
            services.record_check(self.instance)
        except ValidationError as error:
            for field, messages in error.message_dict.items():
                self.add_error(field if field in self.fields else None, messages)


class GuardedModelForm(ServiceCheckedForm):
    """Refuses to overwrite a colleague's save.

    The form carries the version of the record as the editor opened it (`record_version`, a
    digest of its stored values). On save it locks the row (on PostgreSQL; SQLite serialises
    writers anyway) and compares: if another save came in between, the form shows what that
    editor changed — the opened values are found in the record's history — and saves nothing.
    """

    edit_snapshot = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk is not None:
            self.fields["edit_snapshot"].initial = record_version(self.instance)

    def clean(self):
        data = super().clean()
        if self.instance.pk is None or "edit_snapshot" not in self.fields:
            return data
        token = self.data.get(self.add_prefix("edit_snapshot"), "")
        refuse_if_changed(type(self.instance), self.instance.pk, token)
        return data


class GuardedRowForm(ServiceCheckedForm):
    """A row of an inline, guarded like the record's own form: each row carries its own version,
    so a colleague's change to that row (a participant's role, a citation's passage) or its
    deletion since the page was opened refuses the whole save, with what they changed."""

    edit_snapshot = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk is not None:
            self.fields["edit_snapshot"].initial = record_version(self.instance)

    @property
    def deleted_meanwhile(self) -> bool:
        """The row was on the page when it was opened but is no longer stored."""
        return self.instance.pk is None and bool(
            self.is_bound and self.data.get(self.add_prefix("edit_snapshot"))
        )

    def clean(self):
        data = super().clean()
        what = str(self._meta.model._meta.verbose_name)
        if self.deleted_meanwhile:
            raise forms.ValidationError(
                f"Another editor deleted this {what} while you were editing the page. Nothing "
                "was saved. Reload the page to see what is stored now.",
                code="deleted",
            )
        if self.instance.pk is not None:
            token = self.data.get(self.add_prefix("edit_snapshot"), "")
            refuse_if_changed(type(self.instance), self.instance.pk, token, what=what)
        return data


class FuzzyDateFormMixin(_ModelFormBase):
    """Edits each of the model's fuzzy dates as one text field.

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
        super()._post_clean()  # type: ignore[misc]  # Django's hook, missing from the stubs


class FuzzyDateModelForm(FuzzyDateFormMixin, GuardedModelForm):
    """A record's own form: fuzzy dates as text, and protected against lost updates."""


class FuzzyDateInlineForm(FuzzyDateFormMixin, GuardedRowForm):
    """A row of an inline: fuzzy dates as text, guarded against lost updates like its parent."""


def fuzzy_date_form(model, *, base: type[forms.ModelForm] = FuzzyDateModelForm):
    """A `base` subclass for `model` with one text field per fuzzy date."""
    declared = {
        name: FuzzyDateFormField(required=not declaration.null)
        for name, declaration in getattr(model, "_fuzzy_dates", {}).items()
    }
    meta = type("Meta", (), {"model": model, "fields": "__all__"})
    return type(f"{model.__name__}Form", (base,), {**declared, "Meta": meta})


class FastSelect(forms.Select):
    """A <select> whose options are written in Python. Django renders each option through its
    own template, which for the 200 states of a party menu costs more than the rest of a list
    page; the HTML is the same."""

    def render(self, name, value, attrs=None, renderer=None):
        from django.forms.utils import flatatt
        from django.utils.html import format_html
        from django.utils.safestring import mark_safe

        widget = self.get_context(name, value, attrs)["widget"]
        parts: list[str] = [
            format_html('<select name="{}"{}>', widget["name"], flatatt(widget["attrs"]))
        ]
        for group_name, options, _ in widget["optgroups"]:
            if group_name:
                parts.append(format_html('<optgroup label="{}">', group_name))
            # Plain string building with the standard library's escape (the one Django's wraps):
            # format_html and flatatt per option cost more than the rest of a party menu.
            parts.extend(_option_html(option) for option in options)
            if group_name:
                parts.append(mark_safe("</optgroup>"))
        parts.append(mark_safe("</select>"))
        # Each part is from format_html, _option_html (escaped) or a literal.
        return mark_safe("".join(parts))  # noqa: S308


def _option_html(option: dict) -> str:
    from django.forms.utils import flatatt

    value = escape_text("" if option["value"] is None else str(option["value"]))
    attrs = option["attrs"]
    if not attrs:
        shown = ""
    elif attrs == {"selected": True}:
        shown = " selected"
    else:
        shown = flatatt(attrs)
    return f'<option value="{value}"{shown}>{escape_text(str(option["label"]))}</option>'


def use_fast_selects(form: forms.Form) -> forms.Form:
    """Give every plain <select> of `form` the FastSelect rendering."""
    for field in form.fields.values():
        if type(field.widget) is forms.Select:
            field.widget.__class__ = FastSelect
    return form


class SuggestInput(forms.TextInput):
    """A text box for picking one of thousands of records (speakers, participants, channels)
    where a <select> would put every one of them into every page. Typing asks the server for
    matching names (htmx fills a <datalist>); without JavaScript, a slug or an exact name typed
    in works the same."""

    def __init__(self, suggest: str, attrs=None):
        self.suggest = suggest
        super().__init__(attrs)

    def get_context(self, name, value, attrs):
        from django.urls import reverse

        context = super().get_context(name, value, attrs)
        widget_attrs = context["widget"]["attrs"]
        list_id = f"{widget_attrs.get('id', name)}-suggestions"
        widget_attrs.update(
            {
                "list": list_id,
                "autocomplete": "off",
                "placeholder": "Type a name…",
                "data-hx-get": reverse("events:suggest", args=[self.suggest]),
                "data-hx-trigger": "input changed delay:250ms",
                "data-hx-target": f"#{list_id}",
                "data-hx-swap": "innerHTML",
                # The results list refreshes on change, not on every keystroke here.
                "data-hx-sync": "this:replace",
            }
        )
        context["list_id"] = list_id
        return context

    def render(self, name, value, attrs=None, renderer=None):
        from django.utils.html import format_html

        context = self.get_context(name, value, attrs)
        box = super().render(name, value, attrs, renderer)
        return format_html('{}<datalist id="{}"></datalist>', box, context["list_id"])


class SlugOrNameChoiceField(forms.ModelChoiceField):
    """A record named by its slug or, failing that, its exact name (case aside)."""

    def to_python(self, value):
        if value in self.empty_values:
            return None
        text = str(value).strip()
        queryset = self.queryset
        assert queryset is not None  # every form using this field sets it in __init__
        found = queryset.filter(slug=text).first()
        if found is None and hasattr(queryset.model, "name"):
            found = queryset.filter(name__iexact=text).order_by("pk").first()
        if found is None:
            raise forms.ValidationError(
                f"No match for “{text}”; pick a name from the suggestions.", code="invalid_choice"
            )
        return found

    def prepare_value(self, value):
        if hasattr(value, "slug"):
            return value.slug
        return super().prepare_value(value)


class TimelineForm(forms.Form):
    """The timeline's filters; like the lists', they live in the URL."""

    channel = SlugOrNameChoiceField(
        queryset=None, required=False, to_field_name="slug", widget=SuggestInput("channels")
    )
    party: "forms.ModelChoiceField[Actor]" = forms.ModelChoiceField(
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
        help_text="Only what editors recorded or changed in this many days.",
    )
    order = forms.ChoiceField(
        required=False,
        label="Order",
        help_text="By the date of the event, or by when it was recorded (as the feeds are).",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # self.fields holds copies of the declared fields, typed only as forms.Field.
        fields = self.fields
        cast(forms.ModelChoiceField, fields["channel"]).queryset = Channel.objects.with_parties()
        cast(forms.ModelChoiceField, fields["party"]).queryset = Actor.objects.filter(
            kind=ActorKind.STATE
        )
        cast(forms.ChoiceField, fields["track"]).choices = [("", "Any track"), *Track.choices]
        cast(forms.ChoiceField, fields["kind"]).choices = list(TIMELINE_KINDS.items())
        cast(forms.ChoiceField, fields["order"]).choices = list(TIMELINE_ORDERS.items())
        use_fast_selects(self)


class BoardForm(forms.Form):
    """The board's filters and grouping; like the lists', they live in the URL."""

    # A search box, not a second party menu: it finds channels by words of either party's name.
    q = forms.CharField(
        required=False,
        max_length=100,
        label="Search",
        help_text="Words in either party’s name, e.g. “Korea”.",
        widget=forms.SearchInput,
    )
    party: "forms.ModelChoiceField[Actor]" = forms.ModelChoiceField(
        queryset=None, required=False, to_field_name="slug", empty_label="Any party"
    )
    region = forms.ChoiceField(required=False)
    track = forms.ChoiceField(required=False)
    status = forms.ChoiceField(required=False)
    group = forms.ChoiceField(
        required=False,
        choices=[("status", "Status"), ("track", "Track"), ("none", "Parties, A–Z")],
        label="Group by",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # self.fields holds copies of the declared fields, typed only as forms.Field.
        party = cast(forms.ModelChoiceField, self.fields["party"])
        party.queryset = Actor.objects.filter(kind=ActorKind.STATE).only("slug", "name")
        # Overriding the method on the instance is Django's documented idiom; mypy sees a method.
        party.label_from_instance = lambda actor: actor.name  # type: ignore[assignment]
        cast(forms.ChoiceField, self.fields["region"]).choices = [
            ("", "Any region"),
            *Region.choices,
        ]
        cast(forms.ChoiceField, self.fields["track"]).choices = [("", "Any track"), *Track.choices]
        cast(forms.ChoiceField, self.fields["status"]).choices = [
            ("", "Any status"),
            *ChannelStatus.choices,
            ("none", "No status recorded"),
        ]
        use_fast_selects(self)

    def filters(self) -> dict:
        """The cleaned filters, as keyword arguments of `ChannelQuerySet.on_board`."""
        data = self.cleaned_data
        return {
            "party": data.get("party"),
            "region": data.get("region", ""),
            "track": data.get("track", ""),
            "status": data.get("status", ""),
            "search": data.get("q", "").strip(),
        }


class BoardViewForm(forms.Form):
    """How the board orders its table and whose channels it shows: kept apart from the filters
    (`BoardForm`) because the column headers and the “My channels” toggle set them, not the
    filter bar."""

    sort = forms.ChoiceField(required=False, label="Sort by")
    mine = forms.BooleanField(required=False, label="My channels only")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        from events.selectors import BOARD_SORTS

        cast(forms.ChoiceField, self.fields["sort"]).choices = [
            ("", "Parties, A–Z"),
            *((key, key) for key in BOARD_SORTS),
            *((f"-{key}", f"-{key}") for key in BOARD_SORTS),
        ]
