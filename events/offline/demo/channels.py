"""Channels, their sources and their status history. A channel joins two states on a track;
its slug reads `<state-a>-<state-b>-<track>`, like the seed's `us-china-military`.

Each channel gets its own stream of sources — official readouts, transcripts and statements
of either side, reports in the world's and the states' own outlets, think-tank briefs — spread
over its years, with one on the last day so that every later fact finds a report on or after
it. The status history (open, limited, stalled, frozen; a trend; a confidence) moves a step at
a time, and what the other writers draw follows it: a frozen channel has more declined and
cancelled engagements and harsher statements.
"""

from datetime import date
from types import SimpleNamespace

from django.utils.text import slugify

from events.models import Source, StatusChange
from events.offline.demo.helpers import allocate, ascii_slug
from events.offline.demo.sizes import YEARS
from events.offline.demo.vocabulary import (
    GLOBAL_OUTLETS,
    KIND_NOUNS,
    READOUT_INSTITUTIONS,
    RELAYS,
    STATUS_EXPLANATIONS,
    STATUSES,
    THINK_TANKS,
    TRACK_NOUNS,
)
from events.offline.demo.world import ChannelInfo, World


class ChannelWriter:
    """Writes the channels with their sources and status changes; fills in each `ChannelInfo`'s
    sources (sorted for `World.source_near`) and status history (for `World.status_at`)."""

    def __init__(self, world: World) -> None:
        self.world = world
        self.rng = world.rng
        self.tables = world.tables

    def write(self) -> None:
        world = self.world
        states = world.states
        for state in states:
            state.forum = f"{state.capital} Security Forum"
            state.outlets = (
                f"The {state.capital} Observer",
                f"{state.short} Daily",
                f"{state.capital} Gazette",
            )
        channel_sources = (
            world.sizes.sources - self.tables.source.count - len(self.tables.source.rows)
        )
        weights = [channel.weight for channel in world.channels]
        source_counts = allocate(channel_sources, weights, minimum=2)
        with world.progress.phase("channels", len(world.channels)) as bar:
            for channel, sources in zip(world.channels, source_counts, strict=True):
                a, b = states[channel.a], states[channel.b]
                track_noun = TRACK_NOUNS[channel.track]
                summary = (
                    f"{track_noun.capitalize()} contact between {a.short} and {b.short}: "
                    f"{', '.join(channel.topics[:2])} and {channel.topics[2]}."
                )
                channel.id = self.tables.channel.add(
                    a.id, b.id, channel.track, channel.slug, summary
                )
                self._write_sources(channel, sources)
                self._write_status_history(channel)
                bar.advance()

    def _write_sources(self, channel: ChannelInfo, count: int) -> None:
        """`count` sources about the channel, the last one published on the last day."""
        world = self.world
        rng = self.rng
        a, b = world.states[channel.a], world.states[channel.b]
        days = sorted(rng.randint(channel.start, world.until_ord) for _ in range(count - 1))
        days.append(world.until_ord)  # every fact finds a report on or after it
        track = channel.track
        for day in days:
            kind = world.choose_source_kind(rng)
            topic = rng.choice(channel.topics)
            d = date.fromordinal(day)
            side, other = (a, b) if rng.random() < 0.5 else (b, a)
            relays = ""
            if kind in ("official_readout", "transcript", "official_statement"):
                key = rng.choice(READOUT_INSTITUTIONS[track])
                outlet = (
                    side.institution_names.get(key)
                    or side.institution_names.get("mfa")
                    or f"Government of {side.short}"
                )
                domain = f"{key.replace('_', '')}.{side.slug}.example"
                if kind == "official_readout":
                    title = rng.choice(
                        (
                            f"Readout of the {TRACK_NOUNS[track]} talks with {other.short}",
                            f"Readout: call with the counterpart from {other.short}",
                            f"Readout: meeting with the delegation of {other.short}",
                        )
                    )
                elif kind == "transcript":
                    title = f"Transcript of the press briefing on {d.day} {d:%B %Y}"
                else:
                    title = rng.choice(
                        (
                            f"Statement on {topic}",
                            f"Statement on relations with {other.short}",
                            f"Position of {side.short} on {topic}",
                        )
                    )
            elif kind == "major_outlet":
                outlet = rng.choice(GLOBAL_OUTLETS)
                domain = slugify(outlet.removeprefix("The ")).replace("-", "") + ".example"
                relays = f"{outlet}, {rng.choice(RELAYS)}" if rng.random() < 0.6 else ""
                title = rng.choice(
                    (
                        f"{a.short} and {b.short} spar over {topic}",
                        f"{side.short} proposes talks with {other.short} on {topic}",
                        f"{other.short} yet to answer {side.short} on {topic}",
                        f"{a.short}, {b.short} agree to keep talking on {topic}",
                        f"Officials say {a.short}–{b.short} {TRACK_NOUNS[track]} contact is at a "
                        f"turning point",
                        f"{side.short} signals new approach to {other.short}",
                    )
                )
            elif kind == "secondary_report":
                outlet = rng.choice(side.outlets)
                domain = slugify(outlet.removeprefix("The ")).replace("-", "") + ".example"
                relays = (
                    f"{rng.choice(GLOBAL_OUTLETS)}, {rng.choice(RELAYS)}"
                    if rng.random() < 0.5
                    else ""
                )
                title = rng.choice(
                    (
                        f"What the {a.short}–{b.short} dispute over {topic} means",
                        f"{a.short}–{b.short} ties: where things stand",
                        f"Analysis: {side.short} and {other.short} after the latest round",
                    )
                )
            else:
                outlet = rng.choice(THINK_TANKS)
                domain = slugify(outlet).replace("-", "")[:40] + ".example"
                title = f"Brief: {a.short}, {b.short} and {topic}"
            title = world.unique_title(outlet, title, d)
            earliest, latest, precision = world.fuzzy(day, "published", before=world.until_ord + 1)
            url = f"https://{domain}/{d:%Y/%m/%d}/{ascii_slug(title)[:80]}"
            source_id = self.tables.source.add(
                kind,
                outlet,
                title,
                url,
                earliest,
                latest,
                precision,
                relays,
                "",
                "",
                world.moment(latest.toordinal(), 2),
            )
            world.index(
                Source,
                source_id,
                SimpleNamespace(
                    outlet=outlet,
                    title=title,
                    relays=relays,
                    notes="",
                ),
            )
            channel.source_starts.append(earliest.toordinal())
            channel.source_ends.append(latest.toordinal())
            channel.source_ids.append(source_id)
        # Sorted by when the source can first be read, for `source_near`.
        order = sorted(
            range(len(channel.source_ids)),
            key=lambda i: (channel.source_starts[i], channel.source_ids[i]),
        )
        channel.source_starts = [channel.source_starts[i] for i in order]
        channel.source_ends = [channel.source_ends[i] for i in order]
        channel.source_ids = [channel.source_ids[i] for i in order]

    def _write_status_history(self, channel: ChannelInfo) -> None:
        """About a dozen status changes over ten years, one step at a time, each citing a
        source published on or soon after it."""
        world = self.world
        rng = self.rng
        a, b = world.states[channel.a], world.states[channel.b]
        span = world.until_ord - channel.start
        changes = max(2, round(rng.uniform(0.5, 1.5) * 12 * span / (YEARS * 365)))
        days = sorted(rng.sample(range(channel.start, world.until_ord), min(changes, span)))
        status = rng.choices(STATUSES, weights=(0.5, 0.25, 0.15, 0.1))[0]
        previous_end: int | None = None
        for position, day in enumerate(days):
            if position:
                step = (
                    rng.choice((-1, -1, 1, 1, 0))
                    if status not in ("open", "frozen")
                    else (rng.choice((1, 1, 0)) if status == "open" else rng.choice((-1, -1, 0)))
                )
                new = STATUSES[min(3, max(0, STATUSES.index(status) + step))]
                trend = "improving" if step < 0 else "deteriorating" if step > 0 else "unchanged"
                status = new
            else:
                trend = "unchanged"
            next_day = days[position + 1] if position + 1 < len(days) else world.until_ord + 1
            if previous_end is not None and day <= previous_end:
                continue
            earliest, latest, precision = world.fuzzy(
                day, "status", after=previous_end, before=next_day
            )
            previous_end = latest.toordinal()
            first, second = (a, b) if rng.random() < 0.5 else (b, a)
            explanation = rng.choice(STATUS_EXPLANATIONS[status]).format(
                a=first.short,
                b=second.short,
                track=TRACK_NOUNS[channel.track],
                topic=rng.choice(channel.topics),
                kind=KIND_NOUNS[world.choose_kind[channel.track](rng)],
            )
            confidence = rng.choices(("low", "medium", "high"), weights=(0.2, 0.55, 0.25))[0]
            change_id = self.tables.status_change.add(
                channel.id,
                status,
                trend,
                confidence,
                earliest,
                latest,
                precision,
                explanation,
                earliest,  # the demo's statuses never share a day: each shows from its earliest
                recorded := world.moment(latest.toordinal()),
                recorded,
            )
            channel.status_starts.append(earliest.toordinal())
            channel.status_values.append(status)
            source = world.source_near(channel, latest.toordinal())
            world.cite(StatusChange, change_id, channel.source_ids[source], explanation)
