"""Data-quality checks for editors: records that fail a rule and need attention."""

from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from django.contrib import admin
from django.db.models import F, Max, Min, Q
from django.urls import reverse
from django.utils import timezone

from events.models import (
    Channel,
    Characterisation,
    CounterpartClaim,
    Engagement,
    EngagementTransition,
    Interpretation,
    OfficeHolding,
    Participation,
    Statement,
    StatusChange,
    StickingPoint,
)
from events.vocabularies import OPEN_ENGAGEMENT_STATES

# Every record that states a fact must cite a source. (Actors, offices and channels name
# things; citations on them are welcome but not required.)
FACT_MODELS = [
    StatusChange,
    Engagement,
    EngagementTransition,
    Participation,
    Characterisation,
    Statement,
    Interpretation,
    CounterpartClaim,
    StickingPoint,
    OfficeHolding,
]


# What each fact's name needs, fetched with it (so a long list costs no query per row).
FACT_RELATED = {
    StatusChange: ["channel__party_a", "channel__party_b"],
    EngagementTransition: ["engagement"],
    Participation: ["actor", "side"],
    Characterisation: ["side"],
    Statement: ["speaker"],
    Interpretation: ["side", "statement__speaker"],
    CounterpartClaim: [
        "claimant",
        "office",
        "counterpart_person",
        "counterpart_office__institution",
    ],
    OfficeHolding: ["person", "office__institution"],
}

# Facts edited only as rows of another record's admin page: that page's model, the column
# naming the parent, and the prefix the admin gives those rows (their related name).
EDITED_ON = {
    Participation: ("engagement", "engagement_id", "participations"),
    Characterisation: ("engagement", "engagement_id", "characterisations"),
    Interpretation: ("statement", "statement_id", "interpretations"),
    OfficeHolding: ("actor", "person_id", "office_holdings"),
}
# Where a record's own page takes its source passages (the citation inline's group).
CITATIONS_ANCHOR = "events-citation-content_type-object_id-group"


def row_ordering(model) -> list[str]:
    """The order of a record's rows on its parent's page (the admin's inlines use it too), so a
    row's position there is known: the model's order, ties broken by id."""
    return [*model._meta.ordering, "pk"]


def fix_url(record, anchor: str = "") -> str:
    """The admin page where an editor fixes `record` (its parent's, for inline rows), at
    `anchor` when given (the row itself on its parent's page)."""
    model = type(record)
    if model in EDITED_ON and not admin.site.is_registered(model):
        model_name, attname, _ = EDITED_ON[model]
        url = reverse(f"admin:events_{model_name}_change", args=[getattr(record, attname)])
    else:
        url = reverse(f"admin:events_{model._meta.model_name}_change", args=[record.pk])
    return f"{url}#{anchor}" if anchor else url


@dataclass(frozen=True)
class Row:
    note: str
    record: Any
    # The element of the fix page to open at (the inline row, e.g. "participations-2").
    anchor: str = ""

    def __iter__(self):
        # Unpacks as (note, record), like the pair it replaced.
        return iter((self.note, self.record))

    @property
    def url(self) -> str:
        return fix_url(self.record, self.anchor)


def _row_anchors(model, records) -> dict[int, str]:
    """Each inline row's id on its parent's page (`<prefix>-<position>`), in one query."""
    _, attname, prefix = EDITED_ON[model]
    parents = {getattr(record, attname) for record in records}
    positions: dict[int, int] = {}
    anchors = {}
    rows = model._default_manager.filter(**{f"{attname}__in": parents})
    for parent, pk in rows.order_by(*row_ordering(model)).values_list(attname, "pk"):
        anchors[pk] = f"{prefix}-{positions.get(parent, 0)}"
        positions[parent] = positions.get(parent, 0) + 1
    return anchors


@dataclass
class Check:
    title: str
    explanation: str
    rows: list[Row] = field(default_factory=list)


def quality_checks(*, review_days: int = 30, today: date | None = None) -> list[Check]:
    today = today or timezone.localdate()
    checks = []

    unsourced = Check(
        "Facts without a source",
        "Each of these records states a fact but cites no source passage.",
    )
    for model in FACT_MODELS:
        records = model._default_manager.filter(citations__isnull=True)
        if model in FACT_RELATED:
            records = records.select_related(*FACT_RELATED[model])
        found = list(records[:200])
        inline = model in EDITED_ON and not admin.site.is_registered(model)
        anchors = _row_anchors(model, found) if inline and found else {}
        for record in found:
            anchor = anchors.get(record.pk, "") if inline else CITATIONS_ANCHOR
            unsourced.rows.append(
                Row(str(model._meta.verbose_name).capitalize(), record, anchor=anchor)
            )
    checks.append(unsourced)

    forecast = Check(
        "Expected dates before the report that forecast them",
        "An open engagement whose expected date lies entirely before the earliest report citing "
        "it: the source's date or the record's date is wrong.",
    )
    for engagement in (
        Engagement.objects.filter(state__in=OPEN_ENGAGEMENT_STATES, when_latest__isnull=False)
        .annotate(first_report=Min("citations__source__published_earliest"))
        .filter(when_latest__lt=F("first_report"))
        .select_related("channel__party_a", "channel__party_b")
    ):
        forecast.rows.append(
            Row(
                f"expected {engagement.when}, first reported {engagement.first_report:%-d %B %Y}",
                engagement,
            )
        )
    checks.append(forecast)

    stale = Check(
        f"Channels not reviewed for {review_days} days",
        "No status change has been recorded on these channels in that time (or ever).",
    )
    cutoff = timezone.now() - timedelta(days=review_days)
    for channel in (
        Channel.objects.with_parties()
        .annotate(last_review=Max("status_changes__recorded_at"))
        .filter(Q(last_review__lt=cutoff) | Q(last_review__isnull=True))
    ):
        when = (
            f"last reviewed {channel.last_review:%-d %B %Y}"
            if channel.last_review
            else "never reviewed"
        )
        stale.rows.append(Row(when, channel))
    checks.append(stale)

    overdue = Check(
        "Engagements past their expected date",
        "Still proposed, scheduled or postponed although the latest day they were expected has "
        "passed: record what happened (held, postponed, declined, cancelled) or a new date.",
    )
    for late in Engagement.objects.filter(
        state__in=OPEN_ENGAGEMENT_STATES, when_latest__lt=today
    ).select_related("channel__party_a", "channel__party_b"):
        overdue.rows.append(
            Row(
                f"{late.get_state_display().lower()}, expected {late.when}, "
                f"overdue since {late.when_latest:%-d %B %Y}",
                late,
            )
        )
    checks.append(overdue)
    return checks
