"""Synthetic demo data at scale (see `world`)."""

from events.offline.demo.world import (
    DEFAULT_UNTIL,
    LARGE,
    SCALES,
    Sizes,
    existing_records,
    fast_document,
    flush_records,
    generate,
    sizes_for,
)

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
