"""Pages for editors (outside the admin): data quality and article intake."""

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render

from events import services
from events.fuzzydates import FuzzyDate
from events.intake import analyse
from events.models import Actor, Channel, Characterisation, Engagement, Source, Statement
from events.quality import quality_checks
from events.text import Sentences
from events.vocabularies import ActorKind, RelayKind, SourceKind, Stance, Track


class QualityForm(forms.Form):
    days = forms.IntegerField(
        min_value=1, max_value=3650, required=False, initial=30, label="Not reviewed for (days)"
    )


def data_quality(request):
    """Records that fail a check, each one click from its admin page."""
    form = QualityForm(request.GET or None)
    days = form.cleaned_data.get("days") if form.is_valid() else None
    checks = quality_checks(review_days=days or 30)
    return render(
        request,
        "events/data_quality.html",
        {"checks": checks, "form": form, "problems": sum(len(c.rows) for c in checks)},
    )


# --- Article intake ----------------------------------------------------------------------------


class IntakeForm(forms.Form):
    """A report to read: its text and where it comes from."""

    text = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 14}), label="Article text", strip=False
    )
    outlet = forms.CharField(max_length=200, help_text="Publisher, e.g. “Nikkei Asia”.")
    title = forms.CharField(max_length=400, help_text="Headline.")
    published = forms.DateField(
        label="Publication date",
        help_text="YYYY-MM-DD. Dates in the text without a year are read against it.",
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    url = forms.URLField(required=False, label="Address", assume_scheme="https")
    kind = forms.ChoiceField(choices=SourceKind.choices, initial=SourceKind.MAJOR_OUTLET)


def intake_new(request):
    """Paste a report: it becomes a Source, then the suggestions page opens."""
    form = IntakeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
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
            for field, messages in error.message_dict.items():
                form.add_error(field if field in form.fields else None, messages)
        else:
            return redirect("events:intake_detail", source.pk)
    return render(request, "events/intake_new.html", {"form": form})


def intake_detail(request, pk: int):
    """The article with what the engine found in it, each suggestion one click from a record."""
    source = get_object_or_404(Source, pk=pk)
    if not source.text:
        raise Http404("This source has no pasted text to read.")
    suggestions = analyse(source.text, published=source.published.earliest)
    channels = [s for s in suggestions if s.kind == "channel"]
    channel_ids = [s.value["channel_id"] for s in channels]
    engagements = list(
        Engagement.objects.filter(channel_id__in=channel_ids)
        .select_related("channel__party_a", "channel__party_b")
        .order_by("channel_id", "-when_latest")
    )
    states = list(Actor.objects.filter(kind=ActorKind.STATE))
    named = {s.value.get("actor_id") for s in suggestions} | {
        s.value.get("speaker_id") for s in suggestions
    }
    speakers = list(
        Actor.objects.filter(pk__in=[pk for pk in named if pk]).order_by("kind", "name")
    )
    by_id: dict[int | None, Actor] = {actor.pk: actor for actor in speakers}
    rows = []
    sentences = Sentences(source.text)
    for suggestion in suggestions:
        speaker = by_id.get(suggestion.value.get("speaker_id"))
        rows.append(
            {
                "suggestion": suggestion,
                "passage": sentences.around(suggestion.start, suggestion.end),
                # Whose words a characterisation is: the speaker's state (or the state itself).
                "side_id": speaker
                and (speaker.pk if speaker.kind == ActorKind.STATE else speaker.state_id),
            }
        )
    return render(
        request,
        "events/intake_detail.html",
        {
            "source": source,
            "rows": rows,
            "channels": channels,
            "engagements": engagements,
            "states": states,
            "speakers": speakers,
            "stances": Stance.choices,
            "relay_kinds": RelayKind.choices,
            "tracks": Track,
        },
    )


class AcceptForm(forms.Form):
    kind = forms.ChoiceField(choices=[("statement", "statement"), ("characterisation", "c")])
    start = forms.IntegerField(min_value=0)
    end = forms.IntegerField(min_value=0)
    speaker = forms.ModelChoiceField(queryset=Actor.objects.all(), required=False)
    stance = forms.ChoiceField(choices=Stance.choices, required=False)
    channel = forms.ModelChoiceField(queryset=Channel.objects.all(), required=False)
    engagement = forms.ModelChoiceField(queryset=Engagement.objects.all(), required=False)
    side = forms.ModelChoiceField(
        queryset=Actor.objects.filter(kind=ActorKind.STATE), required=False
    )
    relays = forms.CharField(max_length=300, required=False)
    relays_kind = forms.ChoiceField(choices=RelayKind.choices, required=False)


def intake_accept(request, pk: int):
    """Turn one suggestion into a cited record and open it in the admin for review."""
    source = get_object_or_404(Source, pk=pk)
    form = AcceptForm(request.POST)
    if request.method != "POST" or not form.is_valid():
        messages.error(request, "That suggestion could not be read; try again from the list.")
        return redirect("events:intake_detail", source.pk)
    data = form.cleaned_data
    start, end = data["start"], data["end"]
    if not (0 <= start < end <= len(source.text)):
        messages.error(request, "That suggestion no longer matches the article text.")
        return redirect("events:intake_detail", source.pk)
    words = source.text[start:end]
    citation = services.CitationInput(
        source=source,
        passage=Sentences(source.text).around(start, end),
        passage_is_verbatim=True,
        locator=f"characters {start}–{end}",
        relays=data["relays"],
        relays_kind=data["relays_kind"],
    )
    record: Statement | Characterisation
    try:
        if data["kind"] == "statement":
            if data["speaker"] is None:
                raise ValidationError({"speaker": "Choose who said it."})
            record = services.statement_create(
                speaker=data["speaker"],
                text=words,
                stance=data["stance"] or Stance.NEUTRAL,
                channels=[data["channel"]] if data["channel"] else [],
                citations=[citation],
                user=request.user,
            )
        else:
            if data["engagement"] is None or data["side"] is None:
                raise ValidationError(
                    {"engagement": "Choose the engagement and whose words they are."}
                )
            record = services.characterisation_create(
                engagement=data["engagement"],
                side=data["side"],
                words=words,
                citations=[citation],
                user=request.user,
            )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("events:intake_detail", source.pk)
    messages.success(
        request, f"Recorded {record._meta.verbose_name}: {record}. It cites this source."
    )
    return redirect("events:intake_detail", source.pk)
