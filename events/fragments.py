"""Rows rendered once per change of the data, not once per request.

A board row, a statement row or a timeline entry is the same HTML on every page that lists it:
the board filtered by region and the board sorted by trend share the row of one channel; a
statement appears on its speaker's list, its channel's list and in search results. Each row is
cached under the record's kind and key and the *data version* (`events.caching`): any committed
change to the records retires every cached row at once, exactly as it retires cached pages. A
page then loads and renders only the rows the cache does not hold.

    html = rendered_rows(request, "statement", ids, render_missing)

`render_missing(ids)` loads just those records and returns {id: html}. One cache round trip for
all the rows of a page (`get_many`), one for storing the new ones (`set_many`).
"""

from collections.abc import Callable, Hashable, Sequence

from django.conf import settings
from django.core.cache import cache

from events.caching import data_key

__all__ = ["rendered_rows"]


def rendered_rows[K: Hashable](
    request,
    kind: str,
    keys: Sequence[K],
    render_missing: Callable[[list[K]], dict[K, str]],
    *,
    variant: str = "",
) -> list[str]:
    """The HTML of each row in `keys` order, from the cache when the data has not changed since
    it was rendered, else from `render_missing(missing keys)`, then stored. `variant` holds
    whatever else the row depends on (the day a page is shown as of, the reader's role)."""
    if not keys:
        return []
    # The day is in `data_key`: rows say "3 days ago", "overdue".
    prefix = f"{data_key(request, 'row')}:{kind}:{variant}:"
    cache_keys = {key: f"{prefix}{key}" for key in keys}
    found = cache.get_many(list(cache_keys.values()))
    missing = [key for key in dict.fromkeys(keys) if cache_keys[key] not in found]
    fresh: dict[K, str] = {}
    if missing:
        fresh = render_missing(missing)
        cache.set_many(
            {cache_keys[key]: html for key, html in fresh.items()}, settings.PAGE_CACHE_SECONDS
        )
    return [found.get(cache_keys[key]) or fresh.get(key, "") for key in keys]
