"""Synthetic demo data at scale (see `world`)."""

from events.offline.demo.helpers import fast_document
from events.offline.demo.sizes import DEFAULT_UNTIL, LARGE, SCALES, Sizes, sizes_for
from events.offline.demo.world import existing_records, flush_records, generate

__all__ = [
    "DEFAULT_UNTIL",
    "LARGE",
    "SCALES",
    "Sizes",
    "existing_records",
    "fast_document",
    "flush_records",
    "generate",
    "sizes_for",
]
