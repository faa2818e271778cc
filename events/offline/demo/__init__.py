"""Synthetic demo data at scale: a made-up world of states, their institutions and officials, the
channels between them and ten years of contact on each — deterministic for a seed.

`generate(sizes, seed=…)` builds it; `manage.py generate_demo_data` is the way in. Everything is
invented: state, person, city and outlet names are made from syllables, addresses are on the
reserved `.example` domain, so nothing can be mistaken for a real report.

How the world is shaped:

- States have a world region and a weight ("power"); a few heavyweights have channels with many
  others, neighbours in one region talk more. Each state has ministries, a general staff,
  embassies in its main partners (with defence attachés), and offices in them held by a chain of
  people over the years (`OfficeHolding`, fuzzy start and end).
- Channels join two states on a track; slugs read `<state-a>-<state-b>-<track>`, like the seed's
  `us-china-military`. Each channel has a status history (open, limited, stalled, frozen; a
  trend; a confidence), its own stream of sources, engagements through their lifecycle (each
  step an `EngagementTransition`, dates in order), statements by the officials of either side,
  how the sides read them, counterpart claims and sticking points.
- Activity follows the status: a frozen channel has more declined and cancelled engagements and
  harsher statements. Dates are fuzzy as reports give them (a day, "early March", a quarter, a
  span of days), always consistent with `FuzzyDate`.
- Every fact cites a passage of a source about its channel published on or soon after it.

Speed: rows are written in batches — PostgreSQL `COPY`, `executemany` elsewhere — with primary
keys assigned here, inside one transaction; nothing goes through `save()`, signals or
django-reversion. The search entries are written with the rows, from the same texts
`events.search` indexes (a test checks they equal what `reindex_all()` writes).

The code, in the order it runs:

- `sizes` — how much to build (`LARGE`, `SCALES`, `sizes_for`).
- `build` — `generate()`: one transaction around planning and writing, and the database-wide
  steps (counting or deleting the records a database holds, vacuuming after the load).
- `world` — the plan (states, channels, partners) and what every writer shares: the one random
  generator, fuzzy dates, citations, search entries. `vocabulary` holds its words and odds.
- One writer per family of records, each readable on its own, run in this order because each
  reads what the ones before it wrote: `actors` (actors, offices, holdings), `channels`
  (channels, sources, status history), `engagements` (with steps, participants and the sides'
  words), `statements` (with the sides' readings), `obstacles` (counterpart claims and sticking
  points).
- `tables` — the columns written for each model; `bulk` — the batch writer underneath, with the
  foreign keys and the search index set aside during the load; `helpers` — small shared pieces.
"""

from events.offline.demo.build import existing_records, flush_records, generate
from events.offline.demo.helpers import fast_document
from events.offline.demo.sizes import DEFAULT_UNTIL, LARGE, SCALES, Sizes, sizes_for

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
