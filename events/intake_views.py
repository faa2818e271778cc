"""Article intake, for editors: paste a report, then turn what the engine found in it into cited
records, one suggestion at a time. Each suggestion is open, accepted (linked to its record) or
dismissed (`IntakeDecision`); the records are written by the services, so intake keeps the same
rules as the admin."""

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass

from django import forms
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Model
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.html import format_html
from django.utils.text import slugify

from diplomacy.oversized import keeps_oversized_post, refuse_oversized
from events import services
from events.fuzzydates import FuzzyDate, FuzzyDateError
from events.intake import analyse
from events.intake.suggestions import Suggestion
from events.models import (
    Actor,
    Channel,
    CounterpartClaim,
    Engagement,
    EngagementTransition,
    IntakeDecision,
    Office,
    Source,
    Statement,
    StatusChange,
    StickingPoint,
)
from events.quality import fix_url
from events.text import Sentences
from events.vocabularies import (
    ActorKind,
    ChannelStatus,
    EngagementState,
    RelayKind,
    SourceKind,
    Stance,
    Track,
)

# Suggestions an editor acts on (the others — dates, actors, offices, channels — are context).
ACTIONABLE = ("update", "statement", "paraphrase", "characterisation", "new_person")


class IntakeForm(forms.Form):
    """A report to read: its text and where it comes from."""

    text = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 14}), label="Article text", strip=False
    )
    outlet = forms.CharField(max_length=200, help_text="Publisher, e.g. “Nikkei Asia”.")
    title = forms.CharField(max_length=400, help_text="Headline.")
    published = forms.DateField(
        label="Publication date",
        help_text="Pick the day it was published. Dates in the text without a year are read "
        "against it.",
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    url = forms.URLField(required=False, label="Address", assume_scheme="https")
    kind = forms.ChoiceField(choices=SourceKind.choices, initial=SourceKind.MAJOR_OUTLET)

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        # Read per form, so the limit follows the settings (INTAKE_MAX_KB).
        self.max_bytes = int(settings.INTAKE_MAX_KB * 1024)
        text = self.fields["text"]
        text.widget.attrs["data-max-bytes"] = self.max_bytes
        text.help_text = f"Up to {settings.INTAKE_MAX_KB:g} KB of text."

    def clean_text(self) -> str:
        text = self.cleaned_data["text"]
        size = len(text.encode("utf-8"))
        if size > self.max_bytes:
            raise ValidationError(
                f"This text is {size / 1024:,.0f} KB; intake reads at most "
                f"{settings.INTAKE_MAX_KB:g} KB. Paste the part of the report to record "
                "(the text is kept below)."
            )
        return text


@keeps_oversized_post
def intake_new(request):
    """Paste a report: it becomes a Source, then the suggestions page opens. Posted over the
    request limit, the form comes back with the text's first part and every other field."""
    form = IntakeForm(request.POST or None)
    oversized = request.method == "POST" and refuse_oversized(form, request)
    if request.method == "POST" and form.is_valid() and not oversized:
        data = form.cleaned_data
        try:
            source = services.source_create(
                kind=data["kind"],
                outlet=data["outlet"],
                title=data["title"],
                published=FuzzyDate.day(data["published"]),
                url=data["url"],
                text=data["text"],
                user=request.user,
            )
        except ValidationError as error:
            for field, field_messages in error.message_dict.items():
                form.add_error(field if field in form.fields else None, field_messages)
        else:
            return redirect("events:intake_detail", source.pk)
    return render(request, "events/intake_new.html", {"form": form})


def _decision_key(kind: str, start: int, end: int, key: str) -> tuple:
    return (kind, start, end, key)


def _anchor(kind: str, start: int, end: int, key: str = "") -> str:
    """The element id of a suggestion's form: its kind and span, and its key (two updates may
    share a clause)."""
    suffix = f"-{slugify(key)}" if key else ""
    return f"s-{kind}-{start}-{end}{suffix}"


def _decided(decision: IntakeDecision | None) -> dict:
    """How the page shows a decision: where its record is edited ("" once deleted or for a
    dismissal), and the record named by kind — str(record) would query related rows (a
    statement's speaker)."""
    if decision is None:
        return {"decision": None, "record_link": "", "record_label": ""}
    return {
        "decision": decision,
        "record_link": fix_url(decision.record) if decision.record is not None else "",
        "record_label": decision.content_type.name if decision.content_type else "",
    }


def _source_with_text(pk: int) -> Source:
    source = get_object_or_404(Source, pk=pk)
    if not source.text:
        raise Http404("This source has no pasted text to read.")
    return source


@dataclass(frozen=True)
class Refused:
    """An acceptance the rules refused: the page is drawn again with the editor's input in
    that suggestion's form and the reason beside it (no typed text is lost)."""

    anchor: str
    messages: list[str]
    posted: dict[str, str]


def intake_detail(request, pk: int):
    """The article with what the engine found in it: what it would change or add, each open
    suggestion one click from a cited record, accepted ones linked to their record."""
    return _detail_page(request, _source_with_text(pk))


def _detail_page(request, source: Source, refused: Refused | None = None):
    suggestions = analyse(source.text, published=source.published.earliest)
    decisions = {
        _decision_key(d.suggestion_kind, d.start, d.end, d.key): d
        for d in source.intake_decisions.select_related("content_type").prefetch_related("record")
    }
    channels = [s for s in suggestions if s.kind == "channel"]
    channel_ids = [s.value["channel_id"] for s in channels]
    engagements = list(
        Engagement.objects.filter(channel_id__in=channel_ids)
        .select_related("channel__party_a", "channel__party_b")
        .order_by("channel_id", "-when_latest")
    )
    states = list(Actor.objects.filter(kind=ActorKind.STATE))
    institutions = list(Actor.objects.filter(kind=ActorKind.INSTITUTION).order_by("name"))
    named = {s.value.get("actor_id") for s in suggestions} | {
        s.value.get("speaker_id") for s in suggestions
    }
    speakers = list(
        Actor.objects.filter(pk__in=[pk for pk in named if pk]).order_by("kind", "name")
    )
    by_id: dict[int | None, Actor] = {actor.pk: actor for actor in speakers}
    sentences = Sentences(source.text)
    rows, left = [], 0
    for suggestion in suggestions:
        decision = decisions.get(
            _decision_key(suggestion.kind, suggestion.start, suggestion.end, suggestion.key)
        )
        speaker = by_id.get(suggestion.value.get("speaker_id"))
        actionable = suggestion.kind in ACTIONABLE
        if actionable and decision is None:
            left += 1
        anchor = _anchor(suggestion.kind, suggestion.start, suggestion.end, suggestion.key)
        side_id = speaker and (speaker.pk if speaker.kind == ActorKind.STATE else speaker.state_id)
        passage = suggestion.value.get("sentence") or sentences.around(
            suggestion.start, suggestion.end
        )
        overlap = _overlap(suggestion) if actionable and decision is None else None
        mine = refused if refused is not None and refused.anchor == anchor else None
        rows.append(
            {
                "suggestion": suggestion,
                "anchor": anchor,
                "values": _form_values(
                    suggestion, source, passage, side_id, overlap, mine.posted if mine else None
                ),
                "errors": mine.messages if mine else [],
                "action": _action_label(suggestion),
                **_decided(decision),
                "passage": passage,
                "overlap": overlap,
            }
        )
    # Decisions whose suggestion the article no longer yields: once a step is recorded the
    # engine offers it no more (the engagement has moved on), but the page still says so.
    shown = {_decision_key(s.kind, s.start, s.end, s.key) for s in suggestions}
    earlier = [
        {**_decided(decision), "passage": source.text[decision.start : decision.end]}
        for key, decision in decisions.items()
        if key not in shown
    ]
    return render(
        request,
        "events/intake_detail.html",
        {
            "source": source,
            "rows": rows,
            "found": Counter(s.kind for s in suggestions),  # sections with nothing say so
            "earlier": earlier,
            "left": left,
            "channels": channels,
            "engagements": engagements,
            "states": states,
            "institutions": institutions,
            "speakers": speakers,
            "stances": Stance.choices,
            "relay_kinds": RelayKind.choices,
            "tracks": Track,
        },
        status=400 if refused else 200,
    )


# The fields of the suggestion forms, and what each offers before the editor types.
FORM_FIELDS = (
    "date", "explanation", "overlap_reason", "name", "title", "institution", "state", "speaker",
    "stance", "channel", "said", "venue", "engagement", "side", "relays", "relays_kind",
)  # fmt: skip


def _form_values(
    suggestion: Suggestion, source: Source, passage: str, side_id, overlap, posted
) -> dict[str, str]:
    """The values a suggestion's form shows: what intake found, or — after a refusal — what
    the editor had typed. Strings throughout, as the form posts them."""
    value = suggestion.value
    found = {
        "date": (value.get("date") or {}).get("human", ""),
        "explanation": passage,
        "overlap_reason": overlap.reason if overlap else "",
        "name": value.get("name", ""),
        "title": value.get("office_title") or value.get("title", ""),
        "institution": value.get("institution_id"),
        "state": value.get("state_id"),
        "speaker": value.get("speaker_id"),
        "stance": "" if value.get("denied") else Stance.NEUTRAL.value,
        "channel": value.get("channel_id"),
        "said": _said_initial(suggestion, source),
        "venue": value.get("venue", ""),
        "side": side_id,
    }
    values = {field: "" if found.get(field) is None else str(found[field]) for field in FORM_FIELDS}
    if posted is not None:
        values.update({field: posted.get(field, "") for field in FORM_FIELDS if field in posted})
    return values


@dataclass(frozen=True)
class Overlap:
    """A recorded step or status whose dates overlap the one an update would record: the
    services refuse it without a reason (`services.transition_overlap_check`), so the page says
    so up front and offers a reason the editor can keep or rewrite."""

    message: str
    reason: str


def _overlap(suggestion: Suggestion) -> Overlap | None:
    value = suggestion.value
    if suggestion.kind != "update" or value.get("update") not in ("lifecycle", "status"):
        return None
    try:
        date = FuzzyDate.parse(value["date"]["human"])
    except (KeyError, TypeError, FuzzyDateError):
        return None
    try:
        if value["update"] == "lifecycle":
            step = EngagementTransition(
                engagement_id=value["engagement_id"], to_state=value["to_state"]
            )
            step.date = date
            services.transition_overlap_check(step)
        else:
            change = StatusChange(channel_id=value["channel_id"], status=value["status"])
            change.date = date
            services.status_overlap_check(change)
    except ValidationError as error:
        # A lifecycle step's order is the lifecycle's (it can only follow the steps before
        # it), so that much can be offered as the reason; the order of two statuses is the
        # editor's to explain.
        reason = ""
        if value["update"] == "lifecycle":
            before = EngagementState(value.get("from_state") or "proposed").label.lower()
            reason = (
                f"The lifecycle orders the two: this step follows “{before}”. The report dates "
                f"it to {date}."
            )
        return Overlap(" ".join(error.messages), reason)
    return None


def _action_label(suggestion: Suggestion) -> str:
    """What accepting an update does, in the vocabulary's words."""
    value = suggestion.value
    if suggestion.kind != "update":
        return ""
    if value.get("update") == "lifecycle":
        return f"Record the step: {EngagementState(value['to_state']).label.lower()}"
    if value.get("update") == "status":
        return f"Record the status: {ChannelStatus(value['status']).label.lower()}"
    return "Record the settlement"


def _said_initial(suggestion: Suggestion, source: Source) -> str:
    """When a quote was said, as the form offers it: the date its sentence gives, else the
    report's own date (with its precision)."""
    if suggestion.kind not in ("statement", "paraphrase"):
        return ""
    said = suggestion.value.get("said") or {}
    return said.get("human") or source.published.human


# --- Deciding on a suggestion --------------------------------------------------------------------


class SuggestionForm(forms.Form):
    """Which suggestion a post is about; the server finds it again in the article."""

    kind = forms.ChoiceField(choices=[(kind, kind) for kind in ACTIONABLE])
    start = forms.IntegerField(min_value=0)
    end = forms.IntegerField(min_value=0)
    key = forms.CharField(max_length=200, required=False)


class AcceptForm(SuggestionForm):
    speaker = forms.ModelChoiceField(queryset=Actor.objects.all(), required=False)
    stance = forms.ChoiceField(choices=Stance.choices, required=False)
    channel = forms.ModelChoiceField(queryset=Channel.objects.all(), required=False)
    said = forms.CharField(max_length=100, required=False)
    venue = forms.CharField(max_length=200, required=False)
    engagement = forms.ModelChoiceField(queryset=Engagement.objects.all(), required=False)
    side = forms.ModelChoiceField(
        queryset=Actor.objects.filter(kind=ActorKind.STATE), required=False
    )
    relays = forms.CharField(max_length=300, required=False)
    relays_kind = forms.ChoiceField(choices=RelayKind.choices, required=False)
    date = forms.CharField(max_length=100, required=False)
    explanation = forms.CharField(max_length=2000, required=False)
    overlap_reason = forms.CharField(max_length=2000, required=False)
    name = forms.CharField(max_length=200, required=False)
    title = forms.CharField(max_length=200, required=False)
    institution = forms.ModelChoiceField(
        queryset=Actor.objects.filter(kind=ActorKind.INSTITUTION), required=False
    )
    state = forms.ModelChoiceField(
        queryset=Actor.objects.filter(kind=ActorKind.STATE), required=False
    )


def _find(source: Source, kind: str, start: int, end: int, key: str) -> Suggestion | None:
    """The suggestion a post names, found again in the article (a post cannot make one up)."""
    for suggestion in analyse(source.text, published=source.published.earliest):
        if (suggestion.kind, suggestion.start, suggestion.end, suggestion.key) == (
            kind,
            start,
            end,
            key,
        ):
            return suggestion
    return None


def _fuzzy(text: str, field: str, label: str, *, required: bool) -> FuzzyDate | None:
    """The date an editor typed, read as a fuzzy date; `label` names it in messages."""
    if not text.strip():
        if required:
            raise ValidationError(
                {field: f"{label}: give a date (it may be fuzzy, e.g. “early September 2025”)."}
            )
        return None
    try:
        return FuzzyDate.parse(text)
    except FuzzyDateError as error:
        raise ValidationError({field: f"{label}: {error}"}) from None


def _back(source: Source, anchor: str = ""):
    url = reverse("events:intake_detail", args=[source.pk])
    return redirect(f"{url}#{anchor}" if anchor else url)


def intake_accept(request, pk: int):
    """Turn one suggestion into a cited record (or a lifecycle step, a status change, a
    settlement, a new person) and mark it accepted; refused if it was already decided."""
    source = _source_with_text(pk)
    form = AcceptForm(request.POST)
    if request.method != "POST" or not form.is_valid():
        messages.error(request, "That suggestion could not be read; try again from the list.")
        return _back(source)
    data = form.cleaned_data
    suggestion = _find(source, data["kind"], data["start"], data["end"], data["key"] or "")
    if suggestion is None:
        messages.error(request, "That suggestion no longer matches the article text.")
        return _back(source)
    anchor = _anchor(suggestion.kind, suggestion.start, suggestion.end, suggestion.key)
    passage = suggestion.value.get("sentence") or Sentences(source.text).around(
        suggestion.start, suggestion.end
    )
    citation = services.CitationInput(
        source=source,
        passage=passage,
        passage_is_verbatim=True,
        locator=f"characters {suggestion.start}–{suggestion.end}",
        relays=data["relays"],
        relays_kind=data["relays_kind"],
    )
    reference = services.SuggestionRef(
        source, suggestion.kind, suggestion.start, suggestion.end, suggestion.key
    )
    try:
        write = _writer(suggestion, data, citation, request.user)
        record = services.intake_accept(suggestion=reference, write=write, user=request.user)
    except ValidationError as error:
        messages.error(
            request,
            format_html(
                '{} <a href="#{}">Back to the suggestion</a>, where what you typed is kept.',
                " ".join(error.messages),
                anchor,
            ),
        )
        posted = {field: request.POST.get(field, "") for field in FORM_FIELDS}
        return _detail_page(request, source, Refused(anchor, error.messages, posted))
    messages.success(
        request,
        format_html(
            'Recorded {}: <a href="{}">{}</a>. It cites this source.',
            record._meta.verbose_name,
            fix_url(record),
            str(record),
        ),
    )
    return _back(source, anchor)


def _writer(suggestion: Suggestion, data: dict, citation, user) -> Callable[[], Model]:
    """The service call that makes the suggestion's record, its inputs checked first."""
    value = suggestion.value
    kind = suggestion.kind
    if kind in ("statement", "paraphrase"):
        if data["speaker"] is None:
            raise ValidationError({"speaker": "Choose who said it."})
        # A denied quote gets no stance by default: the editor reads it and chooses one.
        if not data["stance"] and value.get("denied"):
            raise ValidationError(
                {"stance": "Choose the stance: the report says these words are denied."}
            )
        stance = data["stance"] or Stance.NEUTRAL
        said = _fuzzy(data["said"], "said", "When it was said", required=False)

        def write() -> Model:
            # Suggestions are named by their span; should the engine's span of a quote change,
            # the same words from the same report are still recorded once.
            if Statement.objects.filter(
                text=suggestion.text, citations__source=citation.source
            ).exists():
                raise ValidationError(
                    "These words are already recorded as a statement from this report."
                )
            return services.statement_create(
                speaker=data["speaker"],
                text=suggestion.text,
                stance=stance,
                is_verbatim=kind == "statement",
                said=said,
                venue=data["venue"],
                channels=[data["channel"]] if data["channel"] else [],
                citations=[citation],
                user=user,
            )

        return write
    if kind == "characterisation":
        if data["engagement"] is None or data["side"] is None:
            raise ValidationError({"engagement": "Choose the engagement and whose words they are."})
        return lambda: services.characterisation_create(
            engagement=data["engagement"],
            side=data["side"],
            words=suggestion.text,
            citations=[citation],
            user=user,
        )
    if kind == "new_person":
        office_id = value.get("office_id")
        office = Office.objects.filter(pk=office_id).first() if office_id else None
        title = data["title"].strip()
        chosen = data["institution"]
        if office is not None and (
            title.lower() != office.title.lower()
            or (chosen is not None and chosen.pk != office.institution_id)
        ):
            office = None  # the editor gave another office than the recorded one (or none)
        return lambda: services.person_with_office_create(
            name=data["name"] or value.get("name", suggestion.text),
            state=data["state"],
            office=office,
            title=title,
            institution=data["institution"],
            citations=[citation],
            user=user,
        )
    return _update_writer(suggestion, data, citation, user)


def _update_writer(suggestion: Suggestion, data: dict, citation, user) -> Callable[[], Model]:
    value = suggestion.value
    update = value.get("update")
    if update == "lifecycle":
        engagement = get_object_or_404(Engagement, pk=value.get("engagement_id"))
        date = _fuzzy(data["date"], "date", "The step's date", required=True)
        to_state = value["to_state"]
        return lambda: services.engagement_transition(
            engagement=engagement,
            to_state=to_state,
            date=date,
            overlap_reason=data["overlap_reason"],
            # A held engagement took place on the step's date.
            when=date if to_state == "held" else None,
            citations=[citation],
            user=user,
        )
    if update == "status":
        channel = get_object_or_404(Channel, pk=value.get("channel_id"))
        date = _fuzzy(data["date"], "date", "When the status began", required=True)
        status = ChannelStatus(value["status"])
        explanation = data["explanation"] or citation.passage
        return lambda: services.status_change_record(
            channel=channel,
            status=status,
            date=date,
            overlap_reason=data["overlap_reason"],
            explanation=explanation,
            citations=[citation],
            user=user,
        )
    if update == "dispute":
        point = get_object_or_404(StickingPoint, pk=value.get("sticking_point_id"))
        date = _fuzzy(data["date"], "date", "When the dispute was settled", required=True)
        assert date is not None  # required: _fuzzy refuses an empty date
        claims = list(CounterpartClaim.objects.filter(pk__in=value.get("claim_ids") or []))
        settled = next((c for c in claims if c.pk == value.get("settled_claim_id")), None)
        return lambda: services.counterpart_dispute_settle(
            point=point,
            settled=settled,
            claims=claims,
            date=date,
            note=value.get("reason", ""),
            citations=[citation],
            user=user,
        )
    raise ValidationError("This suggestion cannot be accepted here.")


def intake_decide(request, pk: int):
    """Dismiss a suggestion, or open a dismissed one again."""
    source = _source_with_text(pk)
    form = SuggestionForm(request.POST)
    action = request.POST.get("action")
    if request.method != "POST" or not form.is_valid() or action not in ("dismiss", "reopen"):
        messages.error(request, "That suggestion could not be read; try again from the list.")
        return _back(source)
    data = form.cleaned_data
    reference = services.SuggestionRef(
        source, data["kind"], data["start"], data["end"], data["key"] or ""
    )
    anchor = _anchor(data["kind"], data["start"], data["end"], data["key"] or "")
    try:
        if action == "dismiss":
            if _find(source, data["kind"], data["start"], data["end"], data["key"] or "") is None:
                raise ValidationError("That suggestion no longer matches the article text.")
            services.intake_dismiss(suggestion=reference, user=request.user)
            messages.success(request, "Suggestion dismissed.")
        else:
            services.intake_reopen(suggestion=reference, user=request.user)
            messages.success(request, "Suggestion open again.")
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return _back(source, anchor)
