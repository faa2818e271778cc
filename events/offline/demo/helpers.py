"""Small helpers the demo writers share: weighted choice, whole shares of a total, the periods
fuzzy dates are made of, slugs, and search-entry text made as `events.search` makes it, only
quicker (a test checks they agree).
"""

import bisect
import random
import re
from calendar import monthrange
from collections.abc import Sequence
from datetime import date

from django.db import models

from events import search
from events.fuzzydates import FuzzyDate

_ASCII_WORDS = re.compile(r"[a-z0-9]+")
_NON_ASCII_CHAR = re.compile(r"[^\x00-\x7f]")
_NOT_SLUG = re.compile(r"[^a-z0-9]+")


def _cumulative(odds: Sequence[tuple[object, float]]) -> tuple[list[object], list[float]]:
    values, bounds, total = [], [], 0.0
    for value, weight in odds:
        total += weight
        values.append(value)
        bounds.append(total)
    return values, [bound / total for bound in bounds]


class Chooser:
    """Weighted choice from a fixed table, fast (one random number and a bisect)."""

    def __init__(self, odds: Sequence[tuple[object, float]]):
        self.values, self.bounds = _cumulative(odds)

    def __call__(self, rng: random.Random):
        return self.values[bisect.bisect_left(self.bounds, rng.random())]


def allocate(total: int, weights: Sequence[float], minimum: int = 0) -> list[int]:
    """`total` split into whole parts in proportion to `weights` (largest remainder), each part
    at least `minimum` when the total allows it."""
    count = len(weights)
    if count == 0:
        return []
    minimum = min(minimum, total // count)
    rest = total - minimum * count
    weight_sum = sum(weights) or 1.0
    raw = [rest * weight / weight_sum for weight in weights]
    parts = [int(value) for value in raw]
    short = rest - sum(parts)
    by_remainder = sorted(range(count), key=lambda i: (parts[i] - raw[i], i))
    for index in by_remainder[:short]:
        parts[index] += 1
    return [part + minimum for part in parts]


def _last_day(year: int, month: int) -> int:
    return monthrange(year, month)[1]


def period(day: date, unit: str) -> tuple[date, date]:
    """The period of `unit` (a fuzzy-date precision) that contains `day`."""
    year, month = day.year, day.month
    if unit == "day":
        return day, day
    if unit == "part_of_month":
        index = min((day.day - 1) // 10, 2)
        end = (10, 20, _last_day(year, month))[index]
        return date(year, month, 1 + 10 * index), date(year, month, end)
    if unit == "month":
        return date(year, month, 1), date(year, month, _last_day(year, month))
    if unit == "quarter":
        first = 3 * ((month - 1) // 3) + 1
        return date(year, first, 1), date(year, first + 2, _last_day(year, first + 2))
    if unit == "part_of_year":
        first = 4 * ((month - 1) // 4) + 1
        return date(year, first, 1), date(year, first + 3, _last_day(year, first + 3))
    if unit == "year":
        return date(year, 1, 1), date(year, 12, 31)
    raise ValueError(unit)


_PRECISIONS: dict[tuple[int, int], str] = {}


def precision_of(earliest: date, latest: date) -> str:
    """The precision `FuzzyDate` gives these bounds (so every stored date reads back)."""
    key = (earliest.toordinal(), latest.toordinal())
    precision = _PRECISIONS.get(key)
    if precision is None:
        precision = FuzzyDate.between(earliest, latest).precision.value
        _PRECISIONS[key] = precision
    return precision


def ascii_slug(text: str) -> str:
    """A slug for ASCII text (what `slugify` gives it, quicker)."""
    return _NOT_SLUG.sub("-", text.lower().replace("'", "")).strip("-")


def fast_document(text: str) -> str:
    """`search.document(text)`, quicker: ASCII words are split with one regular expression and
    only words with other characters go through `search.document` (no word crosses white
    space, so the two can be done apart)."""
    limit = search.MAX_TOKEN_LENGTH
    if text.isascii() or not any(c.isalnum() for c in _NON_ASCII_CHAR.findall(text)):
        return " ".join(w for w in _ASCII_WORDS.findall(text.lower()) if len(w) <= limit)
    parts: list[str] = []
    for chunk in text.split():
        if chunk.isascii():
            parts.extend(w for w in _ASCII_WORDS.findall(chunk.lower()) if len(w) <= limit)
        elif document := search.document(chunk):
            parts.append(document)
    return " ".join(parts)


def search_entry_values(model: type[models.Model], record: object) -> tuple[str, str]:
    """(title, body) of a record's search entry, from an object that carries what
    `search.SEARCHABLE[model]` reads — as `Searchable.entry_values`, with `fast_document`."""
    spec = search.SEARCHABLE[model]
    title = " ".join(spec.title(record).split())
    if len(title) > search.TITLE_LENGTH:
        title = title[: search.TITLE_LENGTH - 1].rstrip() + "…"
    return title, fast_document("\n".join(spec.pieces(record)))
