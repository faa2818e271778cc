"""How much demo data to build: `LARGE` (about 1.3 million rows), `small` a tenth of it, or any
fraction for tests (`sizes_for`), and the span of history it covers. The history ends on a
fixed day, not today, so that a seed always gives the same data.
"""

from dataclasses import dataclass
from datetime import date

from events.vocabularies import Track


@dataclass(frozen=True)
class Sizes:
    """How much to build. `citations` is a floor: every fact cites at least one passage, so the
    number written comes out above it."""

    states: int
    channels: int
    actors: int
    engagements: int
    statements: int
    sources: int
    citations: int


LARGE = Sizes(
    states=200,
    channels=1_000,
    actors=20_000,
    engagements=100_000,
    statements=300_000,
    sources=100_000,
    citations=500_000,
)
SCALES = {"large": 1.0, "small": 0.1}

MIN_STATES = 4
MIN_ACTORS_PER_STATE = 16
YEARS = 10  # the span of the history, ending on `until`
HOLDINGS_LEAD_YEARS = 6  # offices were held before the history starts
FUTURE_DAYS = 240  # open engagements may be expected this far after `until`
DEFAULT_UNTIL = date(2026, 11, 30)  # fixed, so that a seed always gives the same data


def sizes_for(factor: float) -> Sizes:
    """The sizes at `factor` times `LARGE` (0.1 is `small`), with floors that keep a tiny world
    coherent: at least four states, a channel per state, sixteen actors per state, and enough
    sources for the appointments and for each channel."""
    if factor <= 0:
        raise ValueError("The scale factor must be positive.")

    def scaled(value: int, floor: int) -> int:
        return max(floor, round(value * factor))

    states = scaled(LARGE.states, MIN_STATES)
    pairs = states * (states - 1) // 2
    channels = min(scaled(LARGE.channels, states), pairs * len(Track.values))
    years = YEARS + HOLDINGS_LEAD_YEARS + 1
    return Sizes(
        states=states,
        channels=channels,
        actors=scaled(LARGE.actors, states * MIN_ACTORS_PER_STATE),
        engagements=scaled(LARGE.engagements, channels),
        statements=scaled(LARGE.statements, channels),
        sources=scaled(LARGE.sources, states * years + channels * 3),
        citations=scaled(LARGE.citations, 1),
    )
