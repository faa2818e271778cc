"""Data-quality checks for editors: records that fail a rule and need attention."""

from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import NamedTuple

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

# Facts edited only as rows of another record's admin page: where that page is.
EDITED_ON = {
    Participation: ("engagement", "engagement_id"),
    Characterisation: ("engagement", "engagement_id"),
    Interpretation: ("statement", "statement_id"),
    OfficeHolding: ("actor", "person_id"),
}


def fix_url(record) -> str:
    """The admin page where an editor fixes `record` (its parent's, for inline rows)."""
    model = type(record)
    if model in EDITED_ON and not admin.site.is_registered(model):
        model_name, attname = EDITED_ON[model]
        return reverse(f"admin:events_{model_name}_change", args=[getattr(record, attname)])
    return reverse(f"admin:events_{model._meta.model_name}_change", args=[record.pk])


class Row(NamedTuple):
    note: str
    record: object

    @property
    def url(self) -> str:
        return fix_url(self.record)


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
        for record in records[:200]:
            unsourced.rows.append(Row(str(model._meta.verbose_name).capitalize(), record))
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
