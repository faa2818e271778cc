"""Pages over big tables without counting every row.

An exact `COUNT(*)` over hundreds of thousands of statements costs more than the page itself,
on every request. `CappedCountPaginator` counts at most `cap + 1` matching rows (a bounded
`COUNT(*)` over a `LIMIT` subquery): below the cap the count is exact; above it the page says
"more than 10,000" and offers the first pages, which also bounds the OFFSET a page can ask for.
Filters and search narrow a long list; the read API pages by cursor for walking all of it.
"""

from django.core.paginator import Paginator
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
