"""Pages over big tables that cost the same however deep they go.

Two costs grow with a list: counting it and skipping to a deep page.

- An exact `COUNT(*)` over hundreds of thousands of statements costs more than the page itself,
  on every request. `CappedCountPaginator` counts at most `cap + 1` matching rows (a bounded
  `COUNT(*)` over a `LIMIT` subquery): below the cap the count is exact; above it the page says
  "more than 10,000" and offers the first pages. Filters and search narrow a long list.
- `OFFSET 9975` makes the database build and throw away 9,975 rows with everything joined to
  them. `KeysetPaginator` reads a page by *keyset* instead: first the sort keys alone of the
  page's first row (`page_start`: a keys-only read, the one place an offset is counted), then the
  rows from that key on (`beyond`: `WHERE (keys) >= (that key)`), `LIMIT 25`. Page 400 reads the
  rows page 1 reads. The merged event stream (`events.selectors.event_stream`) builds its
  per-kind conditions with the same `beyond`.

A keyset needs a total order: `total_order` reads a queryset's ordering, makes each term's
place for nulls explicit (PostgreSQL's: nulls are the largest values, unless the ordering says
otherwise) so that every database sorts as the condition reads, and ends it with the primary
key. The read API's cursors hold the same full keys (`events.api.pagination`).
"""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import FieldDoesNotExist
from django.core.paginator import Page, Paginator
from django.db.models import F, OrderBy, Q, QuerySet
from django.utils.functional import cached_property

COUNT_CAP = 10_000


class CappedCountPaginator(Paginator):
    cap = COUNT_CAP

    @cached_property
    def count(self) -> int:
        object_list = self.object_list
        if hasattr(object_list, "order_by"):
            # Ordering does not change a count and would only slow the subquery down.
            found = object_list.order_by()[: self.cap + 1].count()
        else:
            found = len(object_list)
        self._capped = found > self.cap
        return min(found, self.cap)

    @property
    def capped(self) -> bool:
        """More rows match than were counted."""
        return self.count >= self.cap and self._capped

    @property
    def count_label(self) -> str:
        """ "1,234" or "more than 10,000"."""
        return f"more than {self.cap:,}" if self.capped else f"{self.count:,}"


@dataclass(frozen=True)
class SortKey:
    """One term of an order: a column, lookup path or annotation, its direction, whether its
    nulls come last (after every value, in that direction) and whether it can be null at all
    (a column that cannot is ordered and compared without a word about nulls)."""

    name: str
    descending: bool = False
    nulls_last: bool = True
    nullable: bool = True

    @property
    def ordering(self) -> OrderBy:
        if not self.nullable:
            return OrderBy(F(self.name), descending=self.descending)
        nulls = {"nulls_last": True} if self.nulls_last else {"nulls_first": True}
        return OrderBy(F(self.name), descending=self.descending, **nulls)

    def comes_after(self, value, *, or_ties: bool = False) -> Q | bool:
        """The rows this term puts after `value` (`or_ties`: or level with it)."""
        if value is None:  # nulls first: every value follows; nulls last: nothing does
            if or_ties:
                return True if not self.nulls_last else self.ties_with(None)
            return False if self.nulls_last else Q(**{f"{self.name}__isnull": False})
        lookup = ("lt" if self.descending else "gt") + ("e" if or_ties else "")
        after = Q(**{f"{self.name}__{lookup}": value})
        if self.nullable and self.nulls_last:
            return after | Q(**{f"{self.name}__isnull": True})
        return after

    def ties_with(self, value) -> Q:
        if value is None:
            return Q(**{f"{self.name}__isnull": True})
        return Q(**{self.name: value})

    def fixed_comes_after(self, fixed, value) -> bool:
        """Whether a row whose value is `fixed` comes after `value` (a term whose value is the
        same on every row of a queryset, compared here rather than in SQL)."""
        if fixed is None or value is None:
            return (fixed is None) == self.nulls_last and fixed != value
        return fixed < value if self.descending else fixed > value


def total_order(queryset: QuerySet) -> tuple[SortKey, ...]:
    """The queryset's ordering as sort keys, each with its nulls' place explicit, ending with
    the primary key (descending when the first term is) so that it is total."""
    terms = queryset.query.order_by or queryset.model._meta.ordering
    keys = [_sort_key(term, queryset) for term in terms]
    pk = queryset.model._meta.pk
    assert pk is not None
    if not keys or keys[-1].name not in ("pk", pk.attname, pk.name):
        descending = bool(keys) and keys[0].descending
        keys.append(SortKey("pk", descending, nulls_last=not descending, nullable=False))
    return tuple(keys)


def _nullable(queryset: QuerySet, name: str) -> bool:
    """Whether the column `name` (a lookup path) can be null: an annotation is taken to be."""
    if name == "pk":
        return False
    if name in queryset.query.annotations:
        return True
    model = queryset.model
    for part in name.split("__"):
        try:
            field = model._meta.get_field(part)
        except FieldDoesNotExist:
            return True
        if field.null or field.many_to_many or field.one_to_many or field.auto_created:
            return not field.primary_key
        model = field.related_model if field.is_relation else model
    return False


def _sort_key(term, queryset: QuerySet) -> SortKey:
    if isinstance(term, str):
        name = term.lstrip("-")
        descending = term.startswith("-")
        return SortKey(name, descending, not descending, _nullable(queryset, name))
    if isinstance(term, F):
        term = term.asc()
    if not isinstance(term, OrderBy) or not isinstance(term.expression, F):
        raise TypeError(f"A keyset needs columns or annotations to order by, not {term!r}.")
    if term.nulls_last:
        nulls_last = True
    elif term.nulls_first:
        nulls_last = False
    else:
        nulls_last = not term.descending  # the database's own place for them
    name = getattr(term.expression, "name")  # noqa: B009 (an F, checked above)
    return SortKey(name, term.descending, nulls_last, _nullable(queryset, name))


def ordered(queryset: QuerySet, keys: Sequence[SortKey]) -> QuerySet:
    return queryset.order_by(*(key.ordering for key in keys))


def beyond(
    keys: Sequence[SortKey],
    boundary: Sequence,
    *,
    inclusive: bool = True,
    fixed: Mapping[str, Any] | None = None,
) -> Q:
    """The rows at (`inclusive`) or after `boundary` (one value per key) in the order `keys`:
    after it on the first key, or tied there and after it on the next, and so on. `fixed` gives
    the value of keys that are the same on every row (a kind's rank in a merged stream): those
    compare in Python and fold away."""
    fixed = fixed or {}
    condition: Q | bool = inclusive
    for key, value in reversed(list(zip(keys, boundary, strict=True))):
        if key.name in fixed:
            if key.fixed_comes_after(fixed[key.name], value):
                condition = True
            elif fixed[key.name] != value:
                condition = False
            continue
        if condition is True:
            condition = key.comes_after(value, or_ties=True)
        else:
            condition = _or(key.comes_after(value), _and(key.ties_with(value), condition))
    if condition is True:
        return Q()
    if condition is False:
        return Q(pk__isnull=True)  # never true, yet a query to run: the same queries every page
    return condition


def _and(left: Q, right: Q | bool) -> Q | bool:
    return left if right is True else False if right is False else left & right


def _or(left: Q | bool, right: Q | bool) -> Q | bool:
    if left is True or right is True:
        return True
    if left is False:
        return right
    if right is False:
        return left
    return left | right


def page_start(queryset: QuerySet, keys: Sequence[SortKey], offset: int) -> tuple | None:
    """The sort keys of the row `offset` rows in (None past the end): one read of keys alone,
    no related rows."""
    values = ordered(queryset, keys).values_list(*(key.name for key in keys))
    return next(iter(values[offset : offset + 1]), None)


def keyset_page(queryset: QuerySet, offset: int, limit: int) -> QuerySet:
    """The rows `offset` to `offset + limit` of `queryset` in its (total) order, read from the
    first one's keys on: one query now (`page_start`), one when the result is read."""
    keys = total_order(queryset)
    start = page_start(queryset.prefetch_related(None), keys, offset)
    if start is None:
        return queryset.none()
    return ordered(queryset.filter(beyond(keys, start)), keys)[:limit]


class KeysetPaginator(CappedCountPaginator):
    """A capped count, and pages read by keyset (`keyset_page`): every page runs the same
    queries, page 400 as page 1."""

    def page(self, number):
        number = self.validate_number(number)
        offset = (number - 1) * self.per_page
        rows = keyset_page(self.object_list, offset, self.per_page)  # type: ignore[arg-type]
        return Page(rows, number, self)
