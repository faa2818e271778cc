"""The editors' workspace. Lists show dates as people write them; every save, edit and delete —
of a record or of an inline row — goes through `events.services`, whose rules the forms also
show on their fields before saving."""

import re
from typing import TYPE_CHECKING

from django import forms
from django.contrib import admin
from django.contrib.admin.options import IS_POPUP_VAR
from django.contrib.admin.templatetags.admin_urls import admin_urlname  # noqa: F401
from django.contrib.admin.widgets import AutocompleteSelect
from django.contrib.contenttypes.admin import GenericTabularInline
from django.contrib.contenttypes.forms import BaseGenericInlineFormSet
from django.core.exceptions import ValidationError
from django.db import router, transaction
from django.db.models import Count, Q
from django.forms import BaseFormSet
from django.http import HttpResponseRedirect
from django.urls import reverse
from reversion.admin import VersionAdmin

from diplomacy.oversized import refuse_oversized
from events import selectors, services
from events.caching import lock_data_version
from events.editor_actions import RETURN_PARAMETER, admin_url, safe_return_url
from events.forms import (
    FuzzyDateFormField,
    FuzzyDateFormMixin,
    FuzzyDateInlineForm,
    FuzzyDateModelForm,
    GuardedModelForm,
    GuardedRowForm,
    fuzzy_date_form,
)
from events.history import register_versioned_models, version_history
from events.models import (
    Actor,
    Channel,
    Characterisation,
    Citation,
    CounterpartClaim,
    Engagement,
    EngagementTransition,
    Interpretation,
    Office,
    OfficeHolding,
    Participation,
    Source,
    Statement,
    StatusChange,
    StickingPoint,
    cited,
)
from events.models.obstacles import CLAIM_ENDING_CITATION
from events.pagination import CappedCountPaginator
from events.quality import row_ordering
from events.vocabularies import ALLOWED_TRANSITIONS, ChannelStatus, EngagementState

if TYPE_CHECKING:
    _InlineAdminBase = admin.options.InlineModelAdmin
else:
    _InlineAdminBase = object

# The admin's autodiscovery runs before this app's ready(): register every record's history
# (events.history) now, or `VersionAdmin` would register them with follows of its own.
register_versioned_models()

admin.site.site_header = "Diplomacy Monitor — editors"
admin.site.site_title = "Diplomacy Monitor"
admin.site.index_title = "Records"
admin.site.site_url = "/"


def fuzzy_column(name: str, description: str):
    """A list column that shows a fuzzy date as a person writes it and sorts by its bounds."""

    @admin.display(description=description, ordering=f"{name}_earliest")
    def column(obj):
        return getattr(obj, name) or "—"

    column.__name__ = f"{name}_display"
    return column


class ChannelListFilter(admin.RelatedFieldListFilter):
    """Lists channels with their parties in one query (a channel's name needs both)."""

    def field_choices(self, field, request, model_admin):
        return [(channel.pk, str(channel)) for channel in Channel.objects.with_parties()]


def with_row_labels(formset: type[BaseFormSet]) -> type[BaseFormSet]:
    """`formset` whose rows name each control after its column (aria-label). A tabular inline
    labels its columns once, in the table's head, so a row's controls — the delete box
    included — have no label of their own, and a screen reader announces "edit text" alone."""

    class RowLabelledFormSet(formset):  # type: ignore[valid-type,misc]
        def add_fields(self, form, index):
            super().add_fields(form, index)
            for name, field in form.fields.items():
                if not field.widget.is_hidden:
                    field.widget.attrs.setdefault("aria-label", str(form[name].label))

    RowLabelledFormSet.__name__ = formset.__name__
    return RowLabelledFormSet


class HistoryAdmin(VersionAdmin):
    """Every curated record: each save kept as a version (who, when, what changed), earlier
    versions and deleted records restorable, and a save refused if a colleague saved first."""

    form = GuardedModelForm
    # Big tables: count at most 10,001 matching rows, never the whole table (events.pagination).
    paginator = CappedCountPaginator
    show_full_result_count = False
    object_history_template = "admin/events/object_history.html"
    # Reversion's own revision and recover forms leave out the hidden edit check, so restoring
    # a version would always be refused; these add it (like admin/events/change_form.html).
    revision_form_template = "admin/events/revision_form.html"
    recover_form_template = "admin/events/recover_form.html"

    class Media:
        # Wide tabular inlines (sources, participants) scroll inside their own box instead of
        # pushing the page, and its last columns, past the screen's edge.
        css = {"all": ["css/admin.css"]}

    # Every admin write takes the data-version lock (events.caching) before it reads anything to
    # change or delete, like the services do: a delete that first collected an engagement's
    # steps must not then wait for a transition that is adding one.
    def _writing(self, view, request, *args, **kwargs):
        if request.method != "POST":
            return view(request, *args, **kwargs)
        with transaction.atomic(using=router.db_for_write(self.model)):
            lock_data_version()
            return view(request, *args, **kwargs)

    def changeform_view(self, request, *args, **kwargs):
        return self._writing(super().changeform_view, request, *args, **kwargs)

    def delete_view(self, request, *args, **kwargs):
        return self._writing(super().delete_view, request, *args, **kwargs)

    def changelist_view(self, request, *args, **kwargs):
        return self._writing(super().changelist_view, request, *args, **kwargs)

    def get_formsets_with_inlines(self, request, obj=None):
        for formset, inline in super().get_formsets_with_inlines(request, obj):
            tabular = inline.template == admin.TabularInline.template
            yield (with_row_labels(formset) if tabular else formset), inline

    @property
    def media(self):
        # Names the autocomplete menus (select2) for screen readers: static/js/admin-labels.js.
        return super().media + forms.Media(js=["js/admin-labels.js"])

    # Every save and delete goes through the services, with their rules and a version.

    def save_model(self, request, obj, form, change):
        services.record_save(record=obj, user=request.user)

    def delete_model(self, request, obj):
        services.record_delete(record=obj, user=request.user)

    def delete_queryset(self, request, queryset):
        for obj in queryset:
            services.record_delete(record=obj, user=request.user)

    def save_related(self, request, form, formsets, change):
        links = {
            field.name: form.cleaned_data[field.name]
            for field in form.instance._meta.many_to_many
            if field.name in form.cleaned_data
        }
        if links:
            services.record_links_set(record=form.instance, links=links, user=request.user)
        for formset in formsets:
            self.save_formset(request, form, formset, change=change)

    def save_formset(self, request, form, formset, change):
        rows = formset.save(commit=False)
        for obj in formset.deleted_objects:
            services.record_delete(record=obj, user=request.user)
        # A row's form gives its instance back to save; rows that state a fact carry a source.
        row_forms = {id(row_form.instance): row_form for row_form in formset.forms}
        for obj in rows:
            row_form = row_forms.get(id(obj))
            citations = row_form.citations() if isinstance(row_form, CitedRowForm) else []
            services.record_save(record=obj, user=request.user, citations=citations)
        formset.save_m2m()

    def history_view(self, request, object_id, extra_context=None):
        context = {"history": version_history(self.model, object_id), **(extra_context or {})}
        return super().history_view(request, object_id, context)

    # Editors open these forms from the boards (events.editor_actions), pre-filled from the query
    # string: an add form takes initial values from it (Django's own behaviour, which covers the
    # fields the forms add themselves: source, passage, date), a change form only those named in
    # `change_presets` (a sticking point's state when resolving it), and a `source` pre-fills a
    # new source passage. After saving, `next` (a path on this site) leads back to the board.
    change_presets: tuple[str, ...] = ()

    # Posted over the request limit, the add and change pages come back with what could be kept
    # and a message on the field that was cut (diplomacy/oversized.py), never a bare error.
    keeps_oversized_post = True

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)
        if getattr(request, "oversized_fields", None):
            form = _refusing_oversized(form, request)
        presets = {name: request.GET[name] for name in self.change_presets if name in request.GET}
        if obj is None or request.method != "GET" or not presets:
            return form
        return _with_initial(form, presets)

    def get_formset_kwargs(self, request, obj, inline, prefix):
        kwargs = super().get_formset_kwargs(request, obj, inline, prefix)
        source = request.GET.get("source", "")
        # On the post as well: the row then counts as changed only when the editor changed it.
        if isinstance(inline, CitationInline) and source.isdigit():
            kwargs["initial"] = [{"source": source}]
        return kwargs

    def response_add(self, request, obj, post_url_continue=None):
        return self._return(request, super().response_add(request, obj, post_url_continue))

    def response_change(self, request, obj):
        return self._return(request, super().response_change(request, obj))

    def _return(self, request, response):
        staying = {"_continue", "_addanother", "_saveasnew", IS_POPUP_VAR} & set(request.POST)
        url = safe_return_url(request.GET.get(RETURN_PARAMETER, ""), request.get_host())
        if url and response.status_code == 302 and not staying:
            return HttpResponseRedirect(url)
        return response

    def object_actions(self, request, obj) -> list[tuple[str, str]]:
        """Buttons beside "History" on a record's change form: (label, url) pairs."""
        return []

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if obj is not None:
            context["object_actions"] = self.object_actions(request, obj)
        return super().render_change_form(request, context, add, change, form_url, obj)


def _with_initial(form_class, presets: dict[str, str]):
    """`form_class`, opening with `presets` over the record's stored values."""

    class PresetForm(form_class):
        def __init__(self, *args, **kwargs):
            kwargs["initial"] = {**presets, **(kwargs.get("initial") or {})}
            super().__init__(*args, **kwargs)

    PresetForm.__name__ = form_class.__name__
    return PresetForm


def _refusing_oversized(form_class, request):
    """`form_class`, invalid with a message on each field the request cut short."""

    class RefusingOversized(form_class):  # type: ignore[valid-type, misc]
        def full_clean(self):
            super().full_clean()
            refuse_oversized(self, request)

    RefusingOversized.__name__ = form_class.__name__
    return RefusingOversized


class FuzzyDateAdmin(HistoryAdmin):
    """Edits fuzzy dates as text; the form is built from the model's fuzzy date declarations."""

    def get_form(self, request, obj=None, **kwargs):
        kwargs.setdefault(
            "form", fuzzy_date_form(self.model) if self.form is GuardedModelForm else self.form
        )
        return super().get_form(request, obj, **kwargs)


class FuzzyDateInlineMixin(_InlineAdminBase):
    def get_formset(self, request, obj=None, **kwargs):
        kwargs.setdefault("form", fuzzy_date_form(self.model, base=FuzzyDateInlineForm))
        return super().get_formset(request, obj, **kwargs)


class GuardedRowsFormSet(BaseFormSet):
    """Says above the rows when a row the page showed was deleted meanwhile: the admin lists the
    rows still stored, so the refused row itself is not on the page again."""

    def clean(self):
        super().clean()
        gone = [form for form in self.forms if getattr(form, "deleted_meanwhile", False)]
        if gone:
            what = str(self.model._meta.verbose_name)  # type: ignore[attr-defined]
            raise ValidationError(
                f"Another editor deleted a {what} on this page while you were editing it. "
                "Nothing was saved. Reload the page to see what is stored now."
            )


class GuardedInlineMixin(_InlineAdminBase):
    """Rows whose form is a `GuardedRowForm` render their version (a hidden field) with the row
    and are checked against the stored rows (events.forms.GuardedRowForm)."""

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        return type(formset.__name__, (GuardedRowsFormSet, formset), {})

    def get_fields(self, request, obj=None):
        fields = list(super().get_fields(request, obj))
        if self.has_change_permission(request, obj) or self.has_add_permission(request, obj):
            fields.append("edit_snapshot")
        return fields


# --- Citations ---------------------------------------------------------------------------------


class CitedRowForm(GuardedRowForm):
    """A row that states a fact (a participant, a characterisation, an interpretation, an office
    held) with the source passage behind it in the row itself.

    A new row needs a source and a passage; the source is preselected as the parent record's own
    (its first citation's), so the common case is typing the passage. A row that already cites a
    source needs none (one given is added); an uncited older row needs one once it is edited.
    The admin saves the row and its citation in one call (`services.record_save`)."""

    source = forms.ModelChoiceField(
        queryset=Source.objects.all(),
        required=False,
        widget=AutocompleteSelect(Citation._meta.get_field("source"), admin.site),
        help_text="The document that reports this.",
    )
    locator = forms.CharField(
        required=False,
        max_length=100,
        widget=forms.TextInput(attrs={"size": 8}),
        help_text="Where in the source, e.g. 'para. 4'.",
    )
    passage = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 2, "cols": 40}),
        help_text="The supporting passage: verbatim when quoted, otherwise your summary of it.",
    )
    passage_is_verbatim = forms.BooleanField(required=False, label="Verbatim")

    # The parent's source, preselected on new and uncited rows (set per page by the inline).
    default_source: Source | None = None

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.cited = bool(self.instance.pk) and bool(self.instance.citations.all())
        if not self.cited and self.default_source is not None and "source" not in self.initial:
            self.initial["source"] = self.default_source.pk

    def _post_clean(self):
        # After the row's own rules, so a row with a wrong side and no source shows both.
        super()._post_clean()
        if self.deleted_meanwhile:
            return
        data = self.cleaned_data
        source, passage = data.get("source"), (data.get("passage") or "").strip()
        needed = not self.cited and (self.instance.pk is None or self.has_changed())
        given = bool(passage) or (source is not None and "source" in self.changed_data)
        if needed or given:
            what = str(self._meta.model._meta.verbose_name).capitalize()
            if source is None:
                self.add_error(
                    "source", f"{what} needs a source: pick the document that reports it."
                )
            if not passage:
                self.add_error("passage", "Give the passage of the source that supports this.")

    def citations(self) -> list[services.CitationInput]:
        data = self.cleaned_data
        passage = (data.get("passage") or "").strip()
        if data.get("source") is None or not passage:
            return []
        return [
            services.CitationInput(
                source=data["source"],
                passage=passage,
                passage_is_verbatim=data.get("passage_is_verbatim", False),
                locator=data.get("locator", ""),
            )
        ]


class CitedFuzzyDateRowForm(FuzzyDateFormMixin, CitedRowForm):
    """A cited row with fuzzy dates (an office held from … to …)."""


ROW_SOURCE_FIELDS = ["source", "locator", "passage", "passage_is_verbatim"]


def parent_source(parent) -> Source | None:
    """The source of the parent record's first citation: the default for its fact rows."""
    if parent is None or parent.pk is None:
        return None
    first = parent.citations.select_related("source").order_by("pk").first()
    return first.source if first is not None else None


class CitedInlineMixin(GuardedInlineMixin):
    """Inline rows that state a fact take a source passage in the row (`CitedRowForm`, which
    also applies the service rules `ServiceCheckedForm` does); rows already cited show their
    sources."""

    def get_formset(self, request, obj=None, **kwargs):
        if "form" not in kwargs:
            # The inline's own `form` when it is a cited row's, else the plain cited row form.
            base = (
                fuzzy_date_form(self.model, base=CitedFuzzyDateRowForm)
                if getattr(self.model, "_fuzzy_dates", None)
                else self.form
                if issubclass(self.form, CitedRowForm)
                else CitedRowForm
            )
            kwargs["form"] = type(
                f"{self.model.__name__}RowForm", (base,), {"default_source": parent_source(obj)}
            )
        return super().get_formset(request, obj, **kwargs)

    def get_queryset(self, request):
        # In the order the data-quality page counts rows in, to link to one (events.quality).
        rows = super().get_queryset(request).order_by(*row_ordering(self.model))
        return rows.prefetch_related(cited())

    def get_fields(self, request, obj=None):
        fields = list(super().get_fields(request, obj))
        at = fields.index("edit_snapshot") if "edit_snapshot" in fields else len(fields)
        fields[at:at] = ["sources_cited", *ROW_SOURCE_FIELDS]
        return fields

    def get_readonly_fields(self, request, obj=None):
        return [*super().get_readonly_fields(request, obj), "sources_cited"]

    @admin.display(description="Cited")
    def sources_cited(self, row) -> str:
        if row is None or row.pk is None:
            return "—"
        cited_sources = [
            f"{c.source.outlet}, {c.locator}" if c.locator else c.source.outlet
            for c in row.citations.all()
        ]
        return f"cited: {'; '.join(cited_sources)}" if cited_sources else "no source yet"


class CitationForm(GuardedRowForm):
    class Meta:
        model = Citation
        fields = [
            "source",
            "locator",
            "passage",
            "passage_is_verbatim",
            "claim",
            "relays",
            "relays_kind",
        ]
        widgets = {
            "passage": forms.Textarea(attrs={"rows": 2, "cols": 60}),
            "relays": forms.TextInput(attrs={"size": 24}),
        }


class CitationInline(GuardedInlineMixin, GenericTabularInline):
    """The passages behind a fact. At least one is required on records that are facts."""

    model = Citation
    form = CitationForm
    fields = [
        "source",
        "locator",
        "passage",
        "passage_is_verbatim",
        "claim",
        "relays",
        "relays_kind",
    ]
    autocomplete_fields = ["source"]
    extra = 0
    min_num = 1
    validate_min = True
    verbose_name = "source passage"
    verbose_name_plural = "Sources (each fact needs at least one)"

    def get_formset(self, request, obj=None, **kwargs):
        # Django's generic inline factory does not pass validate_min on by itself.
        kwargs.setdefault("validate_min", self.validate_min)
        return super().get_formset(request, obj, **kwargs)

    def get_extra(self, request, obj=None, **kwargs):
        # Opened from a board with a source to cite (events.editor_actions): a row for it.
        if obj is not None and request.GET.get("source", "").isdigit():
            return 1
        return self.extra


def _normalised(text: str) -> str:
    text = text.replace("’", "'").replace("‘", "'").replace("“", '"').replace("”", '"')
    return " ".join(text.lower().split()).strip(" .\"'")


class StatementCitationFormSet(BaseGenericInlineFormSet):
    """Warns when a verbatim quote occurs in none of the passages cited for it."""

    def clean(self):
        super().clean()
        statement = self.instance
        if not statement.is_verbatim or getattr(statement, "keep_unmatched_quote", False):
            return
        passages = [
            form.cleaned_data["passage"]
            for form in self.forms
            if form.cleaned_data
            and not form.cleaned_data.get("DELETE")
            and form.cleaned_data.get("passage")
        ]
        quote = _normalised(statement.text or "")
        if passages and quote and not any(quote in _normalised(p) for p in passages):
            raise ValidationError(
                "The quote does not occur in any cited passage. Check its wording against the "
                "source, or tick “Keep the quote as entered” above to save it anyway."
            )


class StatementCitationInline(CitationInline):
    # The stubs type InlineModelAdmin.formset narrower than the generic inlines' formsets.
    formset = StatementCitationFormSet  # type: ignore[assignment]


class OptionalCitationInline(CitationInline):
    min_num = 0
    validate_min = False
    verbose_name_plural = "Sources"


class SourcePassageForm(FuzzyDateModelForm):
    """Adds the first source passage to forms whose service needs one before saving."""

    source = forms.ModelChoiceField(
        queryset=Source.objects.all(), help_text="The document that reports this."
    )
    locator = forms.CharField(required=False, help_text="Where in the source, e.g. 'para. 4'.")
    passage = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="The supporting passage: verbatim when quoted, otherwise your summary of it.",
    )
    passage_is_verbatim = forms.BooleanField(required=False, label="Passage is verbatim")

    def citations(self) -> list[services.CitationInput]:
        data = self.cleaned_data
        return [
            services.CitationInput(
                source=data["source"],
                passage=data["passage"],
                passage_is_verbatim=data.get("passage_is_verbatim", False),
                locator=data.get("locator", ""),
            )
        ]


SOURCE_FIELDSET = (
    "Source (required)",
    {"fields": ["source", "locator", "passage", "passage_is_verbatim"]},
)


@admin.register(Source)
class SourceAdmin(FuzzyDateAdmin):
    list_display = [
        "outlet",
        "title",
        "kind",
        fuzzy_column("published", "Published"),
        "relays",
        "citation_count",
    ]
    list_filter = ["kind"]
    search_fields = ["outlet", "title", "url", "relays"]
    fields = ["kind", "outlet", "title", "url", "published", "relays", "notes", "text"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(citation_count=Count("citations"))

    @admin.display(description="Citations", ordering="citation_count")
    def citation_count(self, obj):
        return obj.citation_count


@admin.register(Citation)
class CitationAdmin(HistoryAdmin):
    list_display = [
        "source",
        "locator",
        "passage",
        "passage_is_verbatim",
        "relays",
        "content_type",
        "object_id",
    ]
    list_filter = ["source__kind", "relays_kind", "content_type", "passage_is_verbatim"]
    search_fields = ["passage", "source__outlet", "source__title", "relays"]
    autocomplete_fields = ["source"]
    list_select_related = ["source", "content_type"]


# --- Actors and offices ------------------------------------------------------------------------


class OfficeHoldingInline(CitedInlineMixin, FuzzyDateInlineMixin, admin.TabularInline):
    model = OfficeHolding
    fk_name = "person"
    fields = ["office", "start", "end"]
    autocomplete_fields = ["office"]
    extra = 0


class ActorForm(GuardedModelForm):
    distinct_actor = forms.BooleanField(
        required=False,
        label="This is a different actor",
        help_text="Tick to save even though another actor has the same name or alias.",
    )

    class Meta:
        model = Actor
        fields = "__all__"

    def clean(self):
        data = super().clean()
        names = {data.get("name", "").strip().lower()} | {
            line.strip().lower()
            for line in (data.get("aliases") or "").splitlines()
            if line.strip()
        }
        names.discard("")
        if not names or data.get("distinct_actor"):
            return data
        candidates = Actor.objects.exclude(pk=self.instance.pk).filter(
            Q(name__iregex=r"^(" + "|".join(re.escape(n) for n in names) + r")$")
            | Q(aliases__iregex="|".join(re.escape(n) for n in names))
        )
        for other in candidates:
            theirs = {other.name.lower()} | {
                line.strip().lower() for line in other.aliases.splitlines() if line.strip()
            }
            shared = names & theirs
            if shared:
                self.add_error(
                    "name",
                    f"Likely duplicate of “{other}” ({other.get_kind_display().lower()}), which "
                    f"also goes by “{sorted(shared)[0]}”. Edit that actor instead, or tick "
                    "“This is a different actor” to save anyway.",
                )
                break
        return data


@admin.register(Actor)
class ActorAdmin(HistoryAdmin):
    list_display = ["name", "kind", "short_name", "state", "parent"]
    list_filter = ["kind", "state"]
    search_fields = ["name", "short_name", "aliases", "slug"]
    autocomplete_fields = ["state", "parent"]
    prepopulated_fields = {"slug": ["name"]}
    list_select_related = ["state", "parent"]
    form = ActorForm
    fields = [
        "kind",
        "name",
        "short_name",
        "slug",
        "aliases",
        "state",
        "parent",
        "description",
        "distinct_actor",
    ]

    def get_inlines(self, request, obj):
        if obj is not None and obj.kind == Actor.Kind.PERSON:
            return [OfficeHoldingInline, OptionalCitationInline]
        return [OptionalCitationInline]


class HolderInline(CitedInlineMixin, FuzzyDateInlineMixin, admin.TabularInline):
    model = OfficeHolding
    fields = ["person", "start", "end"]
    autocomplete_fields = ["person"]
    extra = 0
    verbose_name_plural = "Held by"


@admin.register(Office)
class OfficeAdmin(HistoryAdmin):
    list_display = ["title", "institution"]
    list_filter = ["institution__state"]
    search_fields = ["title", "institution__name", "institution__short_name"]
    autocomplete_fields = ["institution"]
    list_select_related = ["institution"]
    inlines = [HolderInline, OptionalCitationInline]


# --- Channels and status -----------------------------------------------------------------------


class DatedHistoryInline(admin.TabularInline):
    """A read-only list of dated steps on a record. Steps are added through their own form,
    which requires a source, so these rows can be opened but not added or deleted here."""

    extra = 0
    can_delete = False
    show_change_link = True

    def get_readonly_fields(self, request, obj=None):
        return self.fields

    @admin.display(description="Date")
    def date_display(self, obj):
        return obj.date

    def has_add_permission(self, request, obj=None):
        return False


class StatusHistoryInline(DatedHistoryInline):
    model = StatusChange
    fields = ["date_display", "status", "trend", "confidence", "explanation"]
    verbose_name_plural = "Status history (add with “Record a status change”)"


@admin.register(Channel)
class ChannelAdmin(HistoryAdmin):
    list_display = ["__str__", "track", "current_status", "open_sticking_points"]
    list_filter = ["track", "party_a", "party_b"]
    search_fields = [
        "party_a__name",
        "party_b__name",
        "party_a__short_name",
        "party_b__short_name",
        "slug",
    ]
    autocomplete_fields = ["party_a", "party_b"]
    prepopulated_fields = {"slug": ["track"]}
    fields = ["party_a", "party_b", "track", "slug", "summary"]
    inlines = [StatusHistoryInline, OptionalCitationInline]

    def get_queryset(self, request):
        return selectors.with_board_summary(super().get_queryset(request))

    def object_actions(self, request, obj) -> list[tuple[str, str]]:
        return _add_form_action(
            request,
            "statuschange",
            "Record a status change",
            channel_id=obj.pk,
            return_to=reverse("admin:events_channel_change", args=[obj.pk]),
            channel=obj.pk,
        )

    @admin.display(description="Current status")
    def current_status(self, obj):
        value = obj.current_status_value
        return ChannelStatus(value).label if value else "—"

    @admin.display(description="Open sticking points", ordering="open_sticking_points")
    def open_sticking_points(self, obj):
        return obj.open_sticking_points


class StatusChangeForm(SourcePassageForm):
    date = FuzzyDateFormField()

    class Meta:
        model = StatusChange
        fields = ["channel", "status", "trend", "confidence", "explanation", "overlap_reason"]
        widgets = {"overlap_reason": forms.Textarea(attrs={"rows": 2})}


# Shown under the date: a date overlapping another record's is refused without a reason.
OVERLAP_FIELDSET = (
    "Overlapping dates",
    {
        "fields": ["overlap_reason"],
        "description": "Only when the date overlaps another's on purpose, e.g. both reports "
        "give a range that cannot be narrowed yet.",
    },
)


@admin.register(StatusChange)
class StatusChangeAdmin(FuzzyDateAdmin):
    list_display = ["channel", "status", fuzzy_column("date", "Date"), "trend", "confidence"]
    list_filter = ["status", "trend", "confidence", "channel__track"]
    search_fields = ["explanation", "channel__party_a__name", "channel__party_b__name"]
    autocomplete_fields = ["channel"]
    list_select_related = ["channel__party_a", "channel__party_b"]

    def get_form(self, request, obj=None, **kwargs):
        if obj is None:
            kwargs["form"] = StatusChangeForm
            kwargs["fields"] = None
        return super().get_form(request, obj, **kwargs)

    def get_fieldsets(self, request, obj=None):
        main = (
            None,
            {"fields": ["channel", "status", "date", "trend", "confidence", "explanation"]},
        )
        if obj is None:
            return [main, OVERLAP_FIELDSET, SOURCE_FIELDSET]
        return [main, OVERLAP_FIELDSET]

    def get_inlines(self, request, obj):
        return [CitationInline] if obj is not None else []

    def save_model(self, request, obj, form, change):
        if change:
            return super().save_model(request, obj, form, change)
        data = form.cleaned_data
        created = services.status_change_record(
            channel=data["channel"],
            status=data["status"],
            trend=data["trend"],
            confidence=data["confidence"],
            date=data["date"],
            explanation=data["explanation"],
            overlap_reason=data.get("overlap_reason", ""),
            citations=form.citations(),
            user=request.user,
        )
        _adopt(obj, created)


def _add_form_action(
    request, model_name: str, label: str, *, channel_id: int, return_to: str, **initial
) -> list[tuple[str, str]]:
    """A button opening the add form of `model_name`, pre-filled with `initial` and the latest
    source cited on the channel, that comes back to `return_to`; none without the permission."""
    if not request.user.has_perm(f"events.add_{model_name}"):
        return []
    source = selectors.latest_source_cited_on(channel_id)
    url = admin_url(
        model_name,
        source=source.pk if source else None,
        **initial,
        **{RETURN_PARAMETER: return_to},
    )
    return [(label, url)]


def _adopt(obj, created) -> None:
    """Point the admin's unsaved instance at the row a service created, so inlines attach to it
    and the success message names it as saved (a step's "from" state is set by the service)."""
    for field in created._meta.concrete_fields:
        setattr(obj, field.attname, getattr(created, field.attname))
    obj.pk = created.pk
    obj._state.adding = False
    obj._state.db = created._state.db


# --- Engagements -------------------------------------------------------------------------------


class ParticipationInline(CitedInlineMixin, admin.TabularInline):
    model = Participation
    form = CitedRowForm
    fields = ["actor", "side", "role", "attendance", "replaced_by"]
    autocomplete_fields = ["actor", "side", "replaced_by"]
    extra = 0


class CharacterisationInline(CitedInlineMixin, admin.TabularInline):
    model = Characterisation
    form = CitedRowForm
    fields = ["side", "words"]
    autocomplete_fields = ["side"]
    extra = 0


class TransitionInline(DatedHistoryInline):
    model = EngagementTransition
    fields = ["date_display", "from_state", "to_state", "note"]
    verbose_name_plural = "Lifecycle (add with “Record a lifecycle step”)"


class EngagementAddForm(SourcePassageForm):
    """A new engagement with its first lifecycle step, which needs a date and a source."""

    first_state = forms.ChoiceField(
        label="State",
        choices=[(s, EngagementState(s).label) for s in sorted(ALLOWED_TRANSITIONS[""])],
        help_text="Where the engagement stands when first reported.",
    )
    reported = FuzzyDateFormField(label="Reported on", help_text="Date of that first step.")
    when = FuzzyDateFormField(required=False, label="When (held or expected)")

    class Meta:
        model = Engagement
        fields = ["channel", "kind", "title", "location", "initiator", "purpose", "significance"]

    def clean(self):
        data = super().clean()
        if self.errors:
            return data
        # The instance is filled in only after clean(); check a stand-in built from the data.
        engagement = Engagement(channel=data["channel"], initiator=data.get("initiator"))
        try:
            services.engagement_create_check(
                engagement=engagement, state=data["first_state"], reported=data.get("reported")
            )
        except ValidationError as error:
            self._apply_errors(error, {"reported": "reported", "to_state": "first_state"})
        return data

    def _apply_errors(self, error: ValidationError, field_map: dict[str, str]) -> None:
        for field, messages in error.message_dict.items():
            self.add_error(field_map.get(field, field if field in self.fields else None), messages)


class EngagementChangeForm(FuzzyDateModelForm):
    when = FuzzyDateFormField(required=False, label="When (held or expected)")

    class Meta:
        model = Engagement
        fields = ["channel", "kind", "title", "location", "initiator", "purpose", "significance"]


@admin.register(Engagement)
class EngagementAdmin(HistoryAdmin):
    list_display = ["title", "channel", "kind", "state", fuzzy_column("when", "When"), "initiator"]
    list_filter = ["state", "kind", "channel__track", ("channel", ChannelListFilter)]
    search_fields = ["title", "location", "purpose", "participations__actor__name"]
    autocomplete_fields = ["channel", "initiator"]
    list_select_related = ["channel__party_a", "channel__party_b", "initiator"]
    readonly_fields = ["state"]

    def get_form(self, request, obj=None, **kwargs):
        kwargs["form"] = EngagementAddForm if obj is None else EngagementChangeForm
        kwargs["fields"] = None
        return super().get_form(request, obj, **kwargs)

    def get_fieldsets(self, request, obj=None):
        main = [
            "channel",
            "kind",
            "title",
            "when",
            "location",
            "initiator",
            "purpose",
            "significance",
        ]
        if obj is None:
            return [
                (None, {"fields": main}),
                ("First lifecycle step", {"fields": ["first_state", "reported"]}),
                SOURCE_FIELDSET,
            ]
        return [(None, {"fields": [*main[:3], "state", *main[3:]]})]

    def object_actions(self, request, obj) -> list[tuple[str, str]]:
        if not ALLOWED_TRANSITIONS[obj.state]:
            return []
        return _add_form_action(
            request,
            "engagementtransition",
            "Record a lifecycle step",
            channel_id=obj.channel_id,
            return_to=reverse("admin:events_engagement_change", args=[obj.pk]),
            engagement=obj.pk,
        )

    def get_inlines(self, request, obj):
        inlines: list[type[admin.options.InlineModelAdmin]] = [
            ParticipationInline,
            CharacterisationInline,
        ]
        if obj is not None:
            inlines = [TransitionInline, *inlines]
        return [*inlines, OptionalCitationInline]

    def save_model(self, request, obj, form, change):
        if change:
            return super().save_model(request, obj, form, change)
        data = form.cleaned_data
        services.engagement_create(
            engagement=obj,
            state=data["first_state"],
            reported=data["reported"],
            citations=form.citations(),
            user=request.user,
        )


class TransitionAddForm(SourcePassageForm):
    date = FuzzyDateFormField()
    when = FuzzyDateFormField(
        required=False,
        label="New expected/held date",
        help_text="Only if this step changes when the engagement takes place.",
    )

    class Meta:
        model = EngagementTransition
        fields = ["engagement", "to_state", "note", "overlap_reason"]
        widgets = {"overlap_reason": forms.Textarea(attrs={"rows": 2})}

    def clean(self):
        data = super().clean()
        engagement = data.get("engagement")
        if engagement is None or self.errors:
            return data
        try:
            services.engagement_transition_check(
                engagement=engagement, to_state=data["to_state"], date=data.get("date")
            )
        except ValidationError as error:
            for field, messages in error.message_dict.items():
                self.add_error(field if field in self.fields else None, messages)
        return data


@admin.register(EngagementTransition)
class EngagementTransitionAdmin(FuzzyDateAdmin):
    list_display = ["engagement", "from_state", "to_state", fuzzy_column("date", "Date")]
    list_filter = ["to_state", ("engagement__channel", ChannelListFilter)]
    search_fields = ["engagement__title", "note"]
    autocomplete_fields = ["engagement"]
    list_select_related = ["engagement"]

    def get_form(self, request, obj=None, **kwargs):
        if obj is None:
            kwargs["form"] = TransitionAddForm
            kwargs["fields"] = None
        return super().get_form(request, obj, **kwargs)

    def get_fieldsets(self, request, obj=None):
        if obj is None:
            return [
                (None, {"fields": ["engagement", "to_state", "date", "when", "note"]}),
                OVERLAP_FIELDSET,
                SOURCE_FIELDSET,
            ]
        return [
            (None, {"fields": ["engagement", "from_state", "to_state", "date", "note"]}),
            OVERLAP_FIELDSET,
        ]

    def get_readonly_fields(self, request, obj=None):
        return ["engagement", "from_state", "to_state"] if obj is not None else []

    def get_inlines(self, request, obj):
        return [CitationInline] if obj is not None else []

    def save_model(self, request, obj, form, change):
        if change:
            return super().save_model(request, obj, form, change)
        data = form.cleaned_data
        created = services.engagement_transition(
            engagement=data["engagement"],
            to_state=data["to_state"],
            date=data["date"],
            note=data.get("note", ""),
            when=data.get("when"),
            overlap_reason=data.get("overlap_reason", ""),
            citations=form.citations(),
            user=request.user,
        )
        _adopt(obj, created)


# --- Statements and obstacles ------------------------------------------------------------------


class InterpretationInline(CitedInlineMixin, admin.StackedInline):
    model = Interpretation
    form = CitedRowForm
    fields = ["side", "emphasis", "reading"]
    autocomplete_fields = ["side"]
    extra = 0


class StatementForm(FuzzyDateModelForm):
    said = FuzzyDateFormField(required=False, label="Said")
    keep_unmatched_quote = forms.BooleanField(
        required=False,
        label="Keep the quote as entered",
        help_text="Tick to save a verbatim quote that none of its cited passages contains.",
    )

    class Meta:
        model = Statement
        fields = "__all__"

    def clean(self):
        data = super().clean()
        # The citations formset reads this from the instance (formsets validate after the form).
        self.instance.keep_unmatched_quote = data.get("keep_unmatched_quote", False)
        return data


@admin.register(Statement)
class StatementAdmin(FuzzyDateAdmin):
    form = StatementForm
    list_display = ["__str__", "speaker", fuzzy_column("said", "Said"), "stance", "is_verbatim"]
    list_filter = ["stance", "is_verbatim", ("channels", ChannelListFilter)]
    search_fields = ["text", "speaker__name", "venue"]
    autocomplete_fields = ["speaker", "toward", "channels"]
    list_select_related = ["speaker"]
    fields = [
        "speaker",
        "text",
        "is_verbatim",
        "keep_unmatched_quote",
        "said",
        "venue",
        "stance",
        "toward",
        "channels",
    ]
    inlines = [InterpretationInline, StatementCitationInline]


class CounterpartClaimForm(FuzzyDateModelForm):
    """A claim, and how it ended: settling or superseding it is dated and needs the passage
    that says so (cited as how it ended)."""

    stated = FuzzyDateFormField(
        required=False,
        label="Stated",
        help_text="Since when the claimant holds this view, if the sources say; left empty, it "
        "counts from the earliest report citing it.",
    )
    ended = FuzzyDateFormField(
        required=False,
        label="Ended",
        help_text="When it was settled or superseded; empty while it stands.",
    )
    ending_source = forms.ModelChoiceField(
        queryset=Source.objects.all(),
        required=False,
        label="Source",
        help_text="The document that reports how the claim ended.",
    )
    ending_locator = forms.CharField(
        required=False, label="Locator", help_text="Where in the source, e.g. 'para. 4'."
    )
    ending_passage = forms.CharField(
        required=False,
        label="Passage",
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="The passage that says how it ended, e.g. “the call was held with the "
        "minister China proposed”. Needed when you settle or supersede the claim.",
    )

    class Meta:
        model = CounterpartClaim
        fields = [
            "channel",
            "office",
            "claimant",
            "counterpart_office",
            "counterpart_person",
            "rationale",
            "outcome",
            "outcome_note",
        ]

    def clean(self):
        data = super().clean()
        source, passage = data.get("ending_source"), (data.get("ending_passage") or "").strip()
        if passage and source is None:
            self.add_error("ending_source", "Choose the source this passage comes from.")
        if source is not None and not passage:
            self.add_error("ending_passage", "Give the passage of the source that says so.")
        return data

    def ending_citations(self) -> list[services.CitationInput]:
        data = getattr(self, "cleaned_data", {})
        if data.get("ending_source") is None or not (data.get("ending_passage") or "").strip():
            return []
        return [
            services.CitationInput(
                source=data["ending_source"],
                passage=data["ending_passage"].strip(),
                locator=data.get("ending_locator", ""),
                claim=CLAIM_ENDING_CITATION,
            )
        ]

    def _post_clean(self):
        super()._post_clean()
        if self.errors:
            return
        try:
            services.counterpart_claim_ending_check(self.instance, self.ending_citations())
        except ValidationError as error:
            for field, messages in error.message_dict.items():
                self.add_error(field if field in self.fields else None, messages)


@admin.register(CounterpartClaim)
class CounterpartClaimAdmin(HistoryAdmin):
    list_display = [
        "office",
        "claimant",
        "counterpart_office",
        "counterpart_person",
        "channel",
        "outcome",
        fuzzy_column("ended", "Ended"),
    ]
    list_filter = [("channel", ChannelListFilter), "claimant", "outcome"]
    search_fields = ["office__title", "counterpart_office__title", "counterpart_person__name"]
    autocomplete_fields = [
        "channel",
        "office",
        "claimant",
        "counterpart_office",
        "counterpart_person",
    ]
    list_select_related = [
        "office__institution",
        "claimant",
        "counterpart_office__institution",
        "counterpart_person",
        "channel__party_a",
        "channel__party_b",
    ]
    form = CounterpartClaimForm
    fieldsets = [
        (
            None,
            {
                "fields": [
                    "channel",
                    "office",
                    "claimant",
                    "counterpart_office",
                    "counterpart_person",
                    "rationale",
                    "stated",
                ]
            },
        ),
        (
            "How it ended (settled or superseded)",
            {
                "fields": [
                    "outcome",
                    "ended",
                    "outcome_note",
                    "ending_source",
                    "ending_locator",
                    "ending_passage",
                ]
            },
        ),
    ]
    inlines = [CitationInline]
    # "Settle or supersede" on a channel board opens the claim with its outcome and the source
    # of its ending chosen.
    change_presets = ("outcome", "ending_source")

    def get_form(self, request, obj=None, **kwargs):
        kwargs["fields"] = None
        return super().get_form(request, obj, **kwargs)

    def save_model(self, request, obj, form, change):
        services.record_save(record=obj, user=request.user, citations=form.ending_citations())


class StickingPointForm(FuzzyDateModelForm):
    """Resolving a counterpart dispute is refused while the claims it names still stand."""

    raised = FuzzyDateFormField(required=False, label="Raised")
    resolved = FuzzyDateFormField(required=False, label="Resolved")

    class Meta:
        model = StickingPoint
        fields = "__all__"

    def _post_clean(self):
        super()._post_clean()
        if self.errors or "counterpart_claims" not in self.cleaned_data:
            return
        try:
            services.sticking_point_check(self.instance, self.cleaned_data["counterpart_claims"])
        except ValidationError as error:
            for field, messages in error.message_dict.items():
                self.add_error(field if field in self.fields else None, messages)


@admin.register(StickingPoint)
class StickingPointAdmin(FuzzyDateAdmin):
    list_display = ["title", "channel", "kind", "state", fuzzy_column("raised", "Raised")]
    list_filter = ["state", "kind", ("channel", ChannelListFilter)]
    search_fields = ["title", "description"]
    autocomplete_fields = ["channel", "statements", "counterpart_claims", "engagements"]
    list_select_related = ["channel__party_a", "channel__party_b"]
    form = StickingPointForm
    fields = [
        "channel",
        "title",
        "kind",
        "state",
        "description",
        "raised",
        "resolved",
        "statements",
        "counterpart_claims",
        "engagements",
    ]
    inlines = [CitationInline]
    # "Resolve" on a channel board opens the sticking point as resolved, to date and source.
    change_presets = ("state",)
