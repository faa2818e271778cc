"""Pictures for analysts: server-rendered SVG geometry for the channel time strip and the board
sparklines. No charting JavaScript: these functions compute coordinates and words, and the
template `events/_time_strip.html` and `sparkline_html()` print them.

- `time_strip()` turns a channel's prefetched status changes, engagements and statements into
  bars, markers and month ticks, plus the text alternative. It reads only what it is given, so
  it runs no queries when the relations are prefetched (`events.selectors.channel_status_board()`).
- `activity_by_channel()` counts activity per channel and month over a window in one aggregate
  query over the board's daily activity (`events.summaries`), whatever the number of channels
  or rows; `sparkline()` draws one channel's counts.

Every picture carries its own words: `<title>`/`<desc>` or `aria-label`, tooltips, and a list
in plain text. Status is told by label and hatch pattern as well as colour, so it survives a
black-and-white printer.
"""

from collections.abc import Iterable, Sequence
from datetime import date, timedelta

from django.db.models import Sum
from django.db.models.functions import TruncMonth
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from events.fuzzydates import MONTH_NAMES, FuzzyDate
from events.models import ChannelActivity, Statement
from events.vocabularies import (
    OPEN_ENGAGEMENT_STATES,
    ChannelStatus,
    EngagementKind,
    EngagementState,
)

__all__ = [
    "activity_by_channel",
    "attach_sparklines",
    "channel_time_strip",
    "sparkline",
    "sparkline_html",
    "time_strip",
]

# --- Calendar helpers ------------------------------------------------------------------------


def _month_start(d: date) -> date:
    return d.replace(day=1)


def add_months(d: date, months: int) -> date:
    """The first day of the month `months` after (or before) the month of `d`."""
    index = d.year * 12 + (d.month - 1) + months
    return date(index // 12, index % 12 + 1, 1)


def _month_end(d: date) -> date:
    return add_months(d, 1) - timedelta(days=1)


def _months_between(first: date, last: date) -> int:
    """How many calendar months [first, last] touches, both counted."""
    return (last.year - first.year) * 12 + last.month - first.month + 1


def _month_label(d: date) -> str:
    return f"{MONTH_NAMES[d.month]} {d.year}"


def _plural(count: int, noun: str) -> str:
    return f"{count} {noun}" if count == 1 else f"{count} {noun}s"


def _shorten(text: str, limit: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _r(value: float) -> float:
    """Coordinates keep two decimals: exact enough to draw, short enough to read."""
    return round(value, 2)


# --- Time strip ------------------------------------------------------------------------------

MIN_WINDOW_MONTHS = 6
MARGIN_DAYS = 14

PAD_X = 10  # the plot keeps this much room at each side, so edge markers are not cut
STATUS_Y = 6
STATUS_HEIGHT = 30
LANE_GAP = 10
LANE_HEIGHT = 18
MAX_LANES = 4  # per kind; further overlapping markers share the last lane
AXIS_GAP = 6
TICK_LENGTH = 5
AXIS_LABEL_GAP = 16
BOTTOM_PAD = 8

LABEL_CHAR_WIDTH = 7.0  # rough width of one character at the strip's 12-unit font
LABEL_PADDING = 8
TICK_LABEL_CHAR_WIDTH = 6.2  # at the 11-unit axis font
NUMBER_GAP = 3
MIN_MARKER_EXTENT = 10  # a day marker still takes this much room when lanes are packed
TICK_STEPS = (1, 2, 3, 6, 12)
MONTH_ABBREVIATIONS = tuple(name[:3] for name in MONTH_NAMES)

STATUS_PATTERNS = {
    # Status → the SVG <pattern> laid over its bar, so grey print still tells them apart.
    ChannelStatus.OPEN: "",
    ChannelStatus.LIMITED: "dots",
    ChannelStatus.STALLED: "hatch",
    ChannelStatus.FROZEN: "crosshatch",
}


def _bounds(record, field: str) -> tuple[date, date] | None:
    earliest = getattr(record, f"{field}_earliest")
    latest = getattr(record, f"{field}_latest")
    if earliest is None or latest is None:
        return None
    return earliest, latest


def _default_window(dates: list[date], today: date) -> tuple[date, date]:
    """Whole months covering `dates` with a margin, at least MIN_WINDOW_MONTHS long."""
    if dates:
        low, high = min(dates), max(dates)
        margin = max(timedelta(days=MARGIN_DAYS), (high - low) * 0.05)
        start, end = _month_start(low - margin), _month_end(high + margin)
    else:
        start, end = add_months(today, 1 - MIN_WINDOW_MONTHS), _month_end(today)
    grow_end = True
    while _months_between(start, end) < MIN_WINDOW_MONTHS:
        if grow_end:
            end = _month_end(add_months(end, 1))
        else:
            start = add_months(start, -1)
        grow_end = not grow_end
    return start, end


def _window(
    dates: list[date], start: date | None, end: date | None, today: date
) -> tuple[date, date]:
    default_start, default_end = _default_window(dates, today)
    if start is None and end is None:
        return default_start, default_end
    if start is None:
        assert end is not None  # both None returned above
        start = min(default_start, add_months(end, 1 - MIN_WINDOW_MONTHS))
    elif end is None:
        end = max(default_end, _month_end(add_months(start, MIN_WINDOW_MONTHS - 1)))
    if end <= start:
        raise ValueError(f"The time strip needs start < end, got {start} and {end}.")
    return start, end


class _Scale:
    """Days to x: the window [start, end] (both days included) spans the plot's width."""

    def __init__(self, start: date, end: date, width: int):
        self.start, self.end = start, end
        self.left, self.right = PAD_X, width - PAD_X
        self.per_day = (self.right - self.left) / ((end - start).days + 1)

    def x(self, d: date) -> float:
        """The left edge of day `d`, clamped to the plot."""
        days = (d - self.start).days
        return _r(min(max(self.left + days * self.per_day, self.left), self.right))

    def span(self, earliest: date, latest: date) -> tuple[float, float] | None:
        """(x, width) of the days earliest..latest, clipped; None when wholly outside."""
        if latest < self.start or earliest > self.end:
            return None
        x = self.x(earliest)
        return x, _r(self.x(latest + timedelta(days=1)) - x)


def _ticks(scale: _Scale, width: int) -> list[dict]:
    months = _months_between(scale.start, scale.end)
    most = max(2, width // 70)
    step = next((s for s in TICK_STEPS if months / s <= most), TICK_STEPS[-1])
    ticks = []
    month = _month_start(scale.start)
    if month < scale.start:
        month = add_months(month, 1)
    first = True
    while month <= scale.end:
        if (month.month - 1) % step == 0:
            if step == 12:
                label = str(month.year)
            elif first or month.month == 1:
                label = f"{MONTH_ABBREVIATIONS[month.month]} {month.year}"
            else:
                label = MONTH_ABBREVIATIONS[month.month]
            x = scale.x(month)
            fits = x + 3 + len(label) * TICK_LABEL_CHAR_WIDTH <= width
            ticks.append(
                {
                    "date": month,
                    "x": x,
                    "label": label,
                    "label_x": _r(x + 3) if fits else _r(x - 3),
                    "anchor": "start" if fits else "end",
                    "major": month.month == 1 or step == 12,
                }
            )
            first = False
        month = add_months(month, 1)
    return ticks


def _pack(markers: list[dict]) -> int:
    """Give each marker (sorted by its left edge) the first lane where it overlaps nothing;
    returns the number of lanes used. Overflow beyond MAX_LANES shares the last lane."""
    lane_ends: list[float] = []
    for marker in markers:
        left, right = marker["pack"]
        for lane, lane_end in enumerate(lane_ends):
            if left >= lane_end:
                lane_ends[lane] = right
                marker["lane"] = lane
                break
        else:
            if len(lane_ends) < MAX_LANES:
                lane_ends.append(right)
                marker["lane"] = len(lane_ends) - 1
            else:
                marker["lane"] = MAX_LANES - 1
                lane_ends[-1] = max(lane_ends[-1], right)
    return len(lane_ends)


def _status_label(status: str) -> str:
    try:
        return ChannelStatus(status).label
    except ValueError:
        return status


def _choice_label(choices, value: str) -> str:
    try:
        return choices(value).label
    except ValueError:
        return value


def _speaker(statement) -> str | None:
    """The speaker's name if it is already loaded (never a query)."""
    field = Statement._meta.get_field("speaker")
    if field.is_cached(statement):
        return statement.speaker.name
    return None


def _shown_from(change) -> date:
    """The day the board shows the status from (events.periods; unsaved: its earliest day)."""
    return change.shown_from or change.date_earliest


def _periods(status_changes: Iterable) -> list[dict]:
    # In the board's order (StatusChangeQuerySet.newest_first, oldest first here), each status
    # drawn from the day the board shows it until the next one is shown.
    changes = sorted(
        status_changes,
        key=lambda c: (_shown_from(c), c.date_earliest, c.date_latest, c.pk or 0),
    )
    periods = []
    for index, change in enumerate(changes):
        following = changes[index + 1] if index + 1 < len(changes) else None
        label = _status_label(change.status)
        since = str(change.date)
        until = str(following.date) if following else None
        words = f"{label} from {since}" + (f" until {until}" if until else " (current)")
        periods.append(
            {
                "change": change,
                "status": change.status,
                "label": label,
                "since": since,
                "until": until,
                "current": following is None,
                "words": words,
                "start": _shown_from(change),
                "uncertain_end": change.date_latest,
                "stop": _shown_from(following) if following else None,
            }
        )
    return periods


def _bars(periods: list[dict], scale: _Scale) -> list[dict]:
    bars = []
    after_end = scale.end + timedelta(days=1)
    for period in periods:
        begin = max(period["start"], scale.start)
        stop = min(period["stop"] or after_end, after_end)
        if stop <= begin:
            continue  # outside the window, or replaced on the same day
        x = scale.x(begin)
        width = _r(scale.x(stop) - x)
        if width <= 0:
            continue
        # The change happened some time between its bounds: that stretch is drawn faded.
        uncertain = 0.0
        if period["uncertain_end"] > period["start"] and period["uncertain_end"] >= begin:
            uncertain_stop = min(period["uncertain_end"] + timedelta(days=1), stop)
            uncertain = _r(min(scale.x(uncertain_stop) - x, width))
        label = period["label"]
        status = period["status"]
        bars.append(
            {
                "x": x,
                "y": STATUS_Y,
                "width": width,
                "height": STATUS_HEIGHT,
                "end_x": _r(x + width),
                "status": status,
                "label": label,
                "title": period["words"],
                "pattern": STATUS_PATTERNS.get(status, ""),
                "show_label": width >= len(label) * LABEL_CHAR_WIDTH + 2 * LABEL_PADDING,
                "text_x": _r(x + width / 2),
                "text_y": STATUS_Y + STATUS_HEIGHT / 2 + 4,
                "uncertain_width": uncertain,
                "clipped": period["start"] < scale.start,
            }
        )
    return bars


def _engagement_event(engagement) -> dict:
    bounds = _bounds(engagement, "when")
    kind = _choice_label(EngagementKind, engagement.kind).lower()
    state = _choice_label(EngagementState, engagement.shown_state).lower()
    return {
        "kind": "engagement",
        "kind_label": "Engagement",
        "label": engagement.title,
        "detail": f"{kind}, {state}",
        "state": engagement.shown_state,
        "planned": engagement.shown_state in OPEN_ENGAGEMENT_STATES,
        "bounds": bounds,
        "date_label": str(engagement.when) if bounds else "date unknown",
        "sort": (0, engagement.pk or 0),
    }


def _statement_event(statement) -> dict:
    bounds = _bounds(statement, "said")
    speaker = _speaker(statement)
    text = _shorten(statement.text, 140)
    words = f"“{text}”" if statement.is_verbatim else f"{text} (paraphrase)"
    return {
        "kind": "statement",
        "kind_label": "Statement",
        "label": f"{speaker}: {words}" if speaker else words,
        "detail": statement.get_stance_display().lower(),
        "state": "",
        "planned": False,
        "bounds": bounds,
        "date_label": str(statement.said) if bounds else "date unknown",
        "sort": (1, statement.pk or 0),
    }


def _markers(events: list[dict], scale: _Scale, top: float) -> tuple[list[dict], float]:
    """Markers for one kind of event, packed into lanes from `top`; returns them and the y
    below the last lane."""
    markers = []
    for event in events:
        if event["bounds"] is None:
            continue
        placed = scale.span(*event["bounds"])
        if placed is None:
            event["drawn"] = False
            continue
        x, width = placed
        earliest, latest = event["bounds"]
        shape = "tick" if earliest == latest else "span"
        number = str(event["number"])
        cx = _r(x + width / 2)
        if shape == "span":
            left, right = x, x + max(width, 3)
        else:
            left, right = cx - MIN_MARKER_EXTENT / 2, cx + MIN_MARKER_EXTENT / 2
        # Room taken in its lane, the number to its right included.
        right += NUMBER_GAP + len(number) * TICK_LABEL_CHAR_WIDTH + 2
        markers.append(
            {
                "kind": event["kind"],
                "shape": shape,
                "state": event["state"],
                "planned": event["planned"],
                "x": x,
                "width": width,
                "cx": cx,
                "end_x": _r(x + width),
                "number": number,
                "label": event["label"],
                "date_label": event["date_label"],
                "title": f"{event['number']}. {event['kind_label']}: {event['label']} "
                f"({event['detail']}) — {event['date_label']}",
                "clipped": earliest < scale.start or latest > scale.end,
                "pack": (left, right),
            }
        )
    markers.sort(key=lambda m: (m["pack"][0], -m["width"]))
    lanes = _pack(markers)
    for marker in markers:
        lane_top = top + marker["lane"] * LANE_HEIGHT
        cy = lane_top + LANE_HEIGHT / 2
        marker["y"] = _r(lane_top + 4)
        marker["height"] = LANE_HEIGHT - 8
        marker["cy"] = _r(cy)
        if marker["shape"] == "span":
            right = marker["x"] + max(marker["width"], 3)
        else:
            right = marker["cx"] + MIN_MARKER_EXTENT / 2
        marker["number_x"] = _r(right + NUMBER_GAP)
        marker["number_y"] = _r(cy + 4)
        if marker["kind"] == "statement":
            marker["path"] = (
                f"M{marker['cx']} {_r(cy - 6)} L{_r(marker['cx'] + 6)} {_r(cy)} "
                f"L{marker['cx']} {_r(cy + 6)} L{_r(marker['cx'] - 6)} {_r(cy)} Z"
            )
        del marker["pack"]
    return markers, top + max(lanes, 1) * LANE_HEIGHT


def _summary(periods: list[dict], events: list[dict], window_label: str) -> str:
    if periods:
        status = "Status: " + "; then ".join(p["words"] for p in periods) + "."
    else:
        status = "No status recorded."
    engagements = sum(1 for e in events if e["kind"] == "engagement")
    statements = sum(1 for e in events if e["kind"] == "statement")
    undated = sum(1 for e in events if e["bounds"] is None)
    parts = [
        status,
        f"{_plural(engagements, 'engagement')} and {_plural(statements, 'statement')} "
        f"recorded; the strip covers {window_label}.",
    ]
    if undated:
        parts.append(f"Not drawn: {_plural(undated, 'record')} without a known date.")
    return " ".join(parts)


def time_strip(
    *,
    status_changes: Iterable,
    engagements: Iterable,
    statements: Iterable,
    start: date | None = None,
    end: date | None = None,
    width: int = 960,
    dom_id: str = "time-strip",
    today: date | None = None,
) -> dict:
    """The geometry and words of a channel's time strip, for `events/_time_strip.html`.

    Inputs are model instances already loaded; nothing here queries the database (a
    statement's speaker is named only when it was loaded with it). Status changes may come
    in any order. The window [start, end] (both days drawn) defaults to whole months covering
    every given date plus a margin, at least six months; with no dates at all, the six months
    up to `today` (default: the system date). `dom_id` prefixes the element ids, so several
    strips can share a page.

    Returns a dict: `width`, `height`, `view_box`; `start`, `end`, `window_label`; `bars`
    (status periods, oldest first: x, width, status, label, title, pattern, show_label…);
    `markers` (kind "engagement" or "statement", shape "span" or "tick", x, width, cx, y,
    number, label, date_label, title…); `ticks` (x, label, major…); and for the text
    alternative `periods` and `events` (with `number`, `kind_label`, `label`, `detail`,
    `date_label`), `summary`, `ids` and `lanes`.
    """
    if width < 4 * PAD_X:
        raise ValueError(f"The time strip needs a width of at least {4 * PAD_X}, got {width}.")
    periods = _periods(status_changes)
    events = [_engagement_event(e) for e in engagements] + [_statement_event(s) for s in statements]
    dates = [d for p in periods for d in (p["start"], p["uncertain_end"])]
    dates += [d for e in events if e["bounds"] for d in e["bounds"]]
    start, end = _window(dates, start, end, today or date.today())
    scale = _Scale(start, end, width)

    # Chronological numbering shared by the drawn markers and the list in words.
    events.sort(key=lambda e: (e["bounds"] is None, e["bounds"] or (date.max, date.max), e["sort"]))
    for number, event in enumerate(events, start=1):
        event["number"] = number if event["bounds"] else None
        event["drawn"] = event["bounds"] is not None

    engagement_top = STATUS_Y + STATUS_HEIGHT + LANE_GAP
    engagement_markers, engagement_bottom = _markers(
        [e for e in events if e["kind"] == "engagement"], scale, engagement_top
    )
    statement_top = engagement_bottom
    statement_markers, statement_bottom = _markers(
        [e for e in events if e["kind"] == "statement"], scale, statement_top
    )
    axis_y = statement_bottom + AXIS_GAP
    height = int(axis_y + AXIS_LABEL_GAP + BOTTOM_PAD)
    window_label = str(FuzzyDate.between(start, end))
    for event in events:
        del event["sort"]
        event["outside"] = event["bounds"] is not None and not event["drawn"]

    first_bar_x = None
    bars = _bars(periods, scale)
    if bars:
        first_bar_x = bars[0]["x"]
    unknown = None
    gap_end = first_bar_x if first_bar_x is not None else scale.right
    if gap_end - scale.left > 1:
        gap_width = _r(gap_end - scale.left)
        unknown_label = "No status recorded"
        unknown = {
            "x": scale.left,
            "y": STATUS_Y,
            "width": gap_width,
            "height": STATUS_HEIGHT,
            "label": unknown_label,
            "show_label": gap_width >= len(unknown_label) * LABEL_CHAR_WIDTH + 2 * LABEL_PADDING,
            "text_x": _r(scale.left + gap_width / 2),
            "text_y": STATUS_Y + STATUS_HEIGHT / 2 + 4,
        }

    return {
        "id": dom_id,
        "ids": {
            "title": f"{dom_id}-title",
            "desc": f"{dom_id}-desc",
            "hatch": f"{dom_id}-hatch",
            "crosshatch": f"{dom_id}-crosshatch",
            "dots": f"{dom_id}-dots",
        },
        "width": width,
        "height": height,
        "view_box": f"0 0 {width} {height}",
        "start": start,
        "end": end,
        "window_label": window_label,
        "title": f"Status and events, {window_label}",
        "summary": _summary(periods, events, window_label),
        "bars": bars,
        "unknown": unknown,
        "markers": engagement_markers + statement_markers,
        "ticks": _ticks(scale, width),
        "lanes": {
            "status_y": STATUS_Y,
            "status_height": STATUS_HEIGHT,
            "engagements_y": engagement_top,
            "statements_y": statement_top,
            "axis_y": axis_y,
            "tick_bottom": axis_y + TICK_LENGTH,
            "label_y": axis_y + AXIS_LABEL_GAP,
            "left": scale.left,
            "right": scale.right,
        },
        "periods": [{k: v for k, v in p.items() if k != "change"} for p in periods],
        "events": events,
        "has_undated": any(e["bounds"] is None for e in events),
    }


def channel_time_strip(channel, **options) -> dict:
    """`time_strip()` for a channel loaded with `events.selectors.channel_status_board()`."""
    options.setdefault("dom_id", f"time-strip-{channel.pk}")
    return time_strip(
        status_changes=channel.status_changes.all(),
        engagements=[*channel.upcoming_engagements(), *channel.past_engagements()],
        statements=channel.statements.all(),
        **options,
    )


# --- Activity sparkline ----------------------------------------------------------------------


def _month_index(month, first: date) -> int:
    return (month.year - first.year) * 12 + month.month - first.month


def activity_by_channel(
    channel_ids: Sequence[int], *, end: date, months: int = 12
) -> dict[int, list[int]]:
    """Records per channel and calendar month, oldest month first, for the `months` months
    ending with the month of `end`: status changes, engagement transitions and statements
    (through `Statement.channels`), each counted in the month of its earliest possible date,
    and only when that date is on or before `end` — read from the board's read model of daily
    activity (`events.summaries`).

    One aggregate query (grouped by channel and month), whatever the number of channels or
    rows; none when `channel_ids` is empty. Every channel asked about gets a list, zeros when
    it had no activity.
    """
    if months < 1:
        raise ValueError(f"months must be at least 1, got {months}.")
    ids = list(dict.fromkeys(channel_ids))
    counts = {pk: [0] * months for pk in ids}
    if not ids:
        return counts
    first = add_months(end, 1 - months)
    rows = (
        ChannelActivity.objects.filter(channel_id__in=ids, day__gte=first, day__lte=end)
        .values("channel_id", month=TruncMonth("day"))
        .annotate(n=Sum("records"))
        .order_by()
    )
    for row in rows:
        index = _month_index(row["month"], first)
        if 0 <= index < months:
            counts[row["channel_id"]][index] += row["n"]
    return counts


def sparkline(counts: Sequence[int], *, end: date, width: int = 120, height: int = 24) -> dict:
    """The geometry and words of one activity sparkline, for `sparkline_html()`.

    `counts` runs oldest month first and ends with the month of `end` (as returned by
    `activity_by_channel`). One column per month, scaled to the busiest month; a month with
    no activity shows only the baseline, so no activity at all draws a flat line.
    """
    counts = [int(c) for c in counts]
    if not counts:
        raise ValueError("sparkline() needs at least one month of counts.")
    months = len(counts)
    first = add_months(end, 1 - months)
    top_pad, bottom_pad = 2, 2
    baseline = height - bottom_pad
    usable = baseline - top_pad
    slot = width / months
    gap = min(2.0, slot * 0.25)
    peak = max(counts)
    total = sum(counts)
    columns = []
    for index, count in enumerate(counts):
        month = add_months(first, index)
        bar_height = 0.0 if peak == 0 or count == 0 else max(usable * count / peak, 2.0)
        columns.append(
            {
                "month": month,
                "label": _month_label(month),
                "count": count,
                "title": f"{_month_label(month)}: {_plural(count, 'event')}",
                "x": _r(index * slot + gap / 2),
                "width": _r(slot - gap),
                "y": _r(baseline - bar_height),
                "height": _r(bar_height),
            }
        )
    span = "last month" if months == 1 else f"last {months} months"
    if total == 0:
        label = f"Activity, {span}: no recorded activity"
        busiest = None
    else:
        # Ties go to the most recent month, the one a reader is likelier to care about.
        busiest_index = max(range(months), key=lambda i: (counts[i], i))
        busiest = columns[busiest_index]
        label = (
            f"Activity, {span}: {_plural(total, 'event')}, "
            f"busiest {busiest['label']} ({busiest['count']})"
        )
    caption = f"{_plural(total, 'event')} in the {span}" if total else f"No activity in the {span}"
    return {
        "width": width,
        "height": height,
        "view_box": f"0 0 {width} {height}",
        "baseline_y": baseline,
        "columns": columns,
        "total": total,
        "busiest": busiest,
        "empty": total == 0,
        "label": label,
        "caption": caption,
        "first": first,
        "end": end,
    }


def sparkline_html(spark: dict) -> SafeString:
    """One sparkline (`sparkline()`'s dict) as HTML: an SVG with its words, and a caption.

    Written in Python rather than a template: the board prints one per row, and a template's
    dozen bars with their tooltips cost a quarter of a row's rendering. Every word is escaped."""
    parts = [
        f'<span class="sparkline{" sparkline--empty" if spark["empty"] else ""}">\n'
        f'  <svg class="sparkline__svg" xmlns="http://www.w3.org/2000/svg" '
        f'viewBox="{escape(spark["view_box"])}" width="{spark["width"]}" '
        f'height="{spark["height"]}" role="img" aria-label="{escape(spark["label"])}">\n'
        f"    <title>{escape(spark['label'])}</title>\n"
        f'    <line class="sparkline__baseline" x1="0" y1="{spark["baseline_y"]}" '
        f'x2="{spark["width"]}" y2="{spark["baseline_y"]}" stroke="#5b6475"/>'
    ]
    for column in spark["columns"]:
        if column["count"]:
            busiest = " sparkline__bar--busiest" if column is spark["busiest"] else ""
            parts.append(
                f'\n    <rect class="sparkline__bar{busiest}" x="{column["x"]}" y="{column["y"]}" '
                f'width="{column["width"]}" height="{column["height"]}" fill="#1d2330">'
                f"<title>{escape(column['title'])}</title></rect>"
            )
    parts.append(
        "\n  </svg>\n"
        f'  <span class="sparkline__caption" aria-hidden="true">{escape(spark["caption"])}</span>'
        "\n</span>"
    )
    # Every value above is a number or escaped.
    return mark_safe("".join(parts))  # noqa: S308


def attach_sparklines(
    channels: Iterable, *, end: date, months: int = 12, attr: str = "activity"
) -> list:
    """Set `channel.<attr>` to its sparkline dict on each channel (three queries in all)."""
    channels = list(channels)
    counts = activity_by_channel([c.pk for c in channels], end=end, months=months)
    for channel in channels:
        setattr(channel, attr, sparkline(counts[channel.pk], end=end))
    return channels
