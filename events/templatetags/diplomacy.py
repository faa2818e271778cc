"""Display helpers: badges that carry a label and a symbol, never colour alone."""

from datetime import date
from urllib.parse import urlsplit

from django import template
from django.urls import reverse
from django.utils import timezone
from django.utils.dateformat import format as format_date
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from events.charts import sparkline_html
from events.days import elapsed
from events.fields import possibly_not_yet
from events.fuzzydates import FuzzyDate
from events.search import highlight as mark_matches
from events.vocabularies import ChannelStatus, EngagementState, Trend

register = template.Library()

STATUS_SYMBOLS = {
    ChannelStatus.OPEN: "●",
    ChannelStatus.LIMITED: "◐",
    ChannelStatus.STALLED: "‖",
    ChannelStatus.FROZEN: "✕",
}

TREND_SYMBOLS = {
    Trend.IMPROVING: "↗",
    Trend.UNCHANGED: "→",
    Trend.DETERIORATING: "↘",
}

STATE_SYMBOLS = {
    EngagementState.PROPOSED: "?",
    EngagementState.SCHEDULED: "◷",
    EngagementState.HELD: "✓",
    EngagementState.DECLINED: "✕",
    EngagementState.POSTPONED: "↷",
    EngagementState.CANCELLED: "✕",
}


@register.simple_tag
def fuzzy_time(value: FuzzyDate | None, unknown: str = "date not known"):
    """A fuzzy date as `<time>` with a machine-readable `datetime` (the day, month or year that
    holds it, FuzzyDate.html_datetime), or as a plain `<span>` when no such period exists (a
    range across years) or the date is unknown."""
    if value is None:
        return format_html("<span>{}</span>", unknown)
    machine = value.html_datetime
    if machine is None:
        return format_html("<span>{}</span>", value)
    return format_html('<time datetime="{}">{}</time>', machine, value)


@register.simple_tag
def sparkline(spark: dict):
    """A board row's activity sparkline (`events.charts.sparkline_html`)."""
    return sparkline_html(spark)


@register.simple_tag
def status_badge(status: str | None):
    if not status:
        return mark_safe('<span class="badge badge--none">No status recorded</span>')
    value = ChannelStatus(status)
    return format_html(
        '<span class="badge badge--{}"><span aria-hidden="true">{}</span> {}</span>',
        value.value,
        STATUS_SYMBOLS[value],
        value.label,
    )


@register.simple_tag
def trend_label(trend: str):
    value = Trend(trend)
    return format_html(
        '<span class="trend trend--{}"><span aria-hidden="true">{}</span> {}</span>',
        value.value,
        TREND_SYMBOLS[value],
        value.label,
    )


@register.simple_tag
def state_badge(state: str):
    value = EngagementState(state)
    return format_html(
        '<span class="badge badge--state-{}"><span aria-hidden="true">{}</span> {}</span>',
        value.value,
        STATE_SYMBOLS[value],
        value.label,
    )


@register.filter
def overdue_on(engagement, day: date | None) -> bool:
    """Whether an open engagement's expected date had passed on `day` (today without one)."""
    return engagement.overdue_on(day or timezone.localdate())


@register.simple_tag
def possibly(record, as_of: date | None = None):
    """“— possibly not yet on 5 September 2025” while `record` — a status, an engagement or a
    sticking point in the state shown, a statement — counts on the day shown (`as_of`, today
    without one) but its latest possible day is still ahead (`record.certain_from`); else
    nothing. The one place this wording is written: docs/dates.md."""
    day = as_of or timezone.localdate()
    latest = getattr(record, "certain_from", None)
    if latest is None or not possibly_not_yet(latest, day):
        return ""
    return format_html(
        '<span class="possibly" title="Its date runs to {}: it may have come after {}.">'
        " — possibly not yet on {}</span>",
        format_date(latest, "j F Y"),
        format_date(day, "j F Y"),
        format_date(day, "j F Y"),
    )


@register.filter
def highlight(text: str, query: str):
    """Escape `text` and mark the words of the search `query` in it."""
    return mark_matches(text, query)


@register.filter
def admin_change_url(record) -> str:
    """The admin page where an editor fixes `record`."""
    opts = record._meta
    return reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[record.pk])


@register.filter
def web_url(url: str) -> str:
    """`url` when it is an http(s) address, else "": only those are rendered as links. Whatever
    else a pasted or imported address holds (javascript:, data:, a bare word) stays text."""
    url = (url or "").strip()
    try:
        parts = urlsplit(url)
    except ValueError:
        return ""
    return url if parts.scheme.lower() in {"http", "https"} and parts.netloc else ""


# Fields that order or group what a page shows rather than narrow it: no filter to count.
VIEW_OPTIONS = frozenset({"sort", "order", "group"})


@register.filter
def is_view_option(field) -> bool:
    """Whether a bound form field sorts or groups the page rather than filtering it."""
    return field.name in VIEW_OPTIONS


@register.simple_tag
def active_filters(form) -> int:
    """How many of `form`'s filters the request sets (sorting and grouping aside): the n of
    "Filters (n)"."""
    if not form.is_bound:
        return 0
    return sum(1 for field in form if not is_view_option(field) and _is_set(field.data))


def _is_set(value) -> bool:
    if isinstance(value, list | tuple):
        return any(_is_set(item) for item in value)
    return value is not None and str(value).strip() != ""


@register.filter
def ago(moment, day: date | None = None) -> str:
    """How long before `day` (today without one) `moment` — a date, a datetime or a fuzzy
    date (its earliest possible day) — was, in one short unit: "today", "5 d ago", "3 wk ago",
    "4 mo ago", "2 yr ago"; "in 6 d" for one still ahead. Empty for nothing."""
    if moment is None or moment == "":
        return ""
    moment = getattr(moment, "earliest", moment)
    if hasattr(moment, "date"):  # a datetime: the local day it fell on
        moment = timezone.localdate(moment) if timezone.is_aware(moment) else moment.date()
    day = day or timezone.localdate()
    if moment == day:
        return "today"
    if moment < day:
        return f"{elapsed(moment, day, short=True)} ago"
    return f"in {elapsed(day, moment, short=True)}"
