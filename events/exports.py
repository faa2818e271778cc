"""CSV and JSON downloads of the analysts' lists: the same rows the filters show, every row, with
each fuzzy date given as its human form and both bounds.

Both formats stream: rows are read in chunks (`QuerySet.iterator`, which prefetches each chunk's
related rows; on PostgreSQL through a server-side cursor) and written out as they come, so a
download starts at once and a worker holds one chunk, however many rows the list has. The JSON
document therefore gives its `count` after its `results`, counted as they were written."""

import csv
import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet
from django.http import StreamingHttpResponse

# Spreadsheet programs run a cell that starts with one of these as a formula.
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def neutralise_formula(value: str) -> str:
    """Prefix text a spreadsheet would evaluate, so a quote like “=HYPERLINK(…)” stays text."""
    return "'" + value if value.startswith(FORMULA_PREFIXES) else value


@dataclass(frozen=True)
class Column:
    name: str
    value: Callable[[Any], Any]


def fuzzy(name: str, attribute: str | None = None) -> list[Column]:
    """Four columns for one fuzzy date: human form, earliest, latest, precision."""
    attribute = attribute or name

    def part(getter):
        def read(obj):
            value = getattr(obj, attribute)
            return None if value is None else getter(value)

        return read

    return [
        Column(name, part(str)),
        Column(f"{name}_earliest", part(lambda v: v.earliest.isoformat())),
        Column(f"{name}_latest", part(lambda v: v.latest.isoformat())),
        Column(f"{name}_precision", part(lambda v: v.precision.value)),
    ]


def sources(obj) -> str:
    """Each citation as "outlet (published): passage", then what it relays, if anything."""
    return " | ".join(
        f"{c.source.outlet} ({c.source.published}): {c.passage}"
        + (f" [{c.relay}]" if c.relay else "")
        for c in obj.citations.all()
    )


class Echo:
    """A file-like object whose write returns the line, for streaming csv output."""

    def write(self, value: str) -> str:
        return value


# Rows read (and their related rows prefetched) at a time: a few MB for the richest rows.
CHUNK_ROWS = 500


def _each(rows: Iterable) -> Iterable:
    """The rows one chunk at a time, not all at once."""
    return rows.iterator(chunk_size=CHUNK_ROWS) if isinstance(rows, QuerySet) else rows


def _download(lines: Iterable[str], content_type: str, filename: str) -> StreamingHttpResponse:
    response = StreamingHttpResponse(lines, content_type=f"{content_type}; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def as_csv(rows: Iterable, columns: list[Column], filename: str) -> StreamingHttpResponse:
    writer = csv.writer(Echo())

    def lines():
        yield "\ufeff"  # lets spreadsheet programs detect UTF-8
        yield writer.writerow([column.name for column in columns])
        for row in _each(rows):
            cells = []
            for column in columns:
                value = column.value(row)
                text = "" if value is None else str(value)
                cells.append(neutralise_formula(text))
            yield writer.writerow(cells)

    return _download(lines(), "text/csv", f"{filename}.csv")


def as_json(rows: Iterable, columns: list[Column], filename: str) -> StreamingHttpResponse:
    def lines():
        count = 0
        yield '{"results": ['
        for row in _each(rows):
            record = {column.name: column.value(row) for column in columns}
            yield ("," if count else "") + "\n" + json.dumps(record, ensure_ascii=False)
            count += 1
        yield f'\n], "count": {count}}}\n'

    return _download(lines(), "application/json", f"{filename}.json")


def export(rows: Iterable, columns: list[Column], fmt: str, filename: str):
    return as_csv(rows, columns, filename) if fmt == "csv" else as_json(rows, columns, filename)


def _attendance(participation) -> str:
    if participation.replaced_by is not None:
        return f"Replaced by {participation.replaced_by.name}"
    return participation.get_attendance_display()


ENGAGEMENT_COLUMNS = [
    Column("id", lambda e: e.pk),
    Column("channel", lambda e: str(e.channel)),
    Column("title", lambda e: e.title),
    Column("kind", lambda e: e.get_kind_display()),
    Column("state", lambda e: e.get_state_display()),
    *fuzzy("when"),
    Column("location", lambda e: e.location),
    Column("initiator", lambda e: e.initiator.name if e.initiator else ""),
    Column(
        "participants",
        lambda e: "; ".join(
            f"{p.actor.name} ({p.side.label}, {p.get_role_display()}, {_attendance(p)})"
            for p in e.participations.all()
        ),
    ),
    Column("sources", sources),
]

STATEMENT_COLUMNS = [
    Column("id", lambda s: s.pk),
    Column("speaker", lambda s: s.speaker.name),
    Column("text", lambda s: s.text),
    Column("verbatim", lambda s: s.is_verbatim),
    *fuzzy("said"),
    Column("venue", lambda s: s.venue),
    Column("stance", lambda s: s.get_stance_display()),
    Column("channels", lambda s: "; ".join(str(c) for c in s.channels.all())),
    Column(
        "interpretations",
        lambda s: "; ".join(f"{i.heading}: {i.reading}" for i in s.interpretations.all()),
    ),
    Column("sources", sources),
]

ACTOR_COLUMNS = [
    Column("id", lambda a: a.pk),
    Column("name", lambda a: a.name),
    Column("kind", lambda a: a.get_kind_display()),
    Column("short_name", lambda a: a.short_name),
    Column("state", lambda a: a.state.name if a.state else ""),
    Column("aliases", lambda a: "; ".join(a.aliases.split("\n")) if a.aliases else ""),
]

SOURCE_COLUMNS = [
    Column("id", lambda s: s.pk),
    Column("kind", lambda s: s.get_kind_display()),
    Column("outlet", lambda s: s.outlet),
    Column("title", lambda s: s.title),
    Column("url", lambda s: s.url),
    *fuzzy("published"),
    Column("relays", lambda s: s.relays),
    Column("passages_relay", lambda s: "; ".join(s.relayed_by_passages)),
    Column("citations", lambda s: s.citation_count),
]
