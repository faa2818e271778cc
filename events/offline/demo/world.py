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
"""

import bisect
import random
import re
import sys
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from types import SimpleNamespace

from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.db import connections, models, transaction
from django.utils.text import slugify
from reversion.models import Revision, Version

from events import search
from events.caching import bump_data_version
from events.fuzzydates import FuzzyDate
from events.models import (
    Actor,
    Channel,
    Characterisation,
    Citation,
    CounterpartClaim,
    Engagement,
    EngagementTransition,
    Interpretation,
    Office,
    OfficeHolding,
    Participation,
    Region,
    SearchEntry,
    Source,
    Statement,
    StatusChange,
    StickingPoint,
    Track,
)
from events.offline.demo.bulk import (
    DeferredForeignKeys,
    DeferredSearchIndex,
    Writer,
    sqlite_trigger,
)
from events.offline.demo.helpers import (
    Chooser,
    allocate,
    ascii_slug,
    period,
    precision_of,
    search_entry_values,
)
from events.offline.demo.sizes import (
    DEFAULT_UNTIL,
    FUTURE_DAYS,
    HOLDINGS_LEAD_YEARS,
    MIN_ACTORS_PER_STATE,
    YEARS,
    Sizes,
)
from events.offline.demo.vocabulary import (
    CALL_KINDS,
    CHARACTERISATIONS,
    DELEGATES,
    DIALOGUE_PRINCIPALS,
    DIALOGUES,
    ENGAGEMENT_KINDS,
    GLOBAL_OUTLETS,
    HELD_DATES,
    HELD_ODDS,
    HOLDING_DATES,
    INSTITUTION_SHARE,
    INSTITUTIONS,
    KIND_NOUNS,
    LEADS,
    PARAPHRASES,
    PATHS,
    PLANNED_DATES,
    PRINCIPALS,
    PUBLISHED_DATES,
    QUOTES,
    RAISED_DATES,
    READINGS,
    READOUT_INSTITUTIONS,
    REGIONS,
    RELAYS,
    SAID_DATES,
    SOURCE_KINDS,
    SPEAKER_FALLBACK,
    SPEAKERS,
    STANCE_ODDS,
    STATE_FORMS,
    STATUS_DATES,
    STATUS_EXPLANATIONS,
    STATUSES,
    STEP_DATES,
    THINK_TANKS,
    TOPICS,
    TRACK_NOUNS,
    TRACK_ODDS,
    TRACK_WEIGHTS,
    Phonology,
)
from events.offline.progress import Progress

# --- What is kept in memory while building -------------------------------------------------------


@dataclass(slots=True)
class OfficeInfo:
    id: int
    title: str
    institution: int  # actor id
    starts: list[int] = field(default_factory=list)  # tenure start ordinals, ascending
    holders: list[int] = field(default_factory=list)  # actor id of each tenure's holder


@dataclass(slots=True)
class StateInfo:
    index: int
    name: str
    short: str
    slug: str
    region: str
    phonology: Phonology
    power: float
    capital: str
    id: int = 0
    partners: list[int] = field(default_factory=list)  # state indexes, most important first
    institutions: dict[str, int] = field(default_factory=dict)  # key → actor id
    institution_names: dict[str, str] = field(default_factory=dict)
    offices: dict[object, OfficeInfo] = field(default_factory=dict)  # key → office
    forum: str = ""
    outlets: tuple[str, ...] = ()


@dataclass(slots=True)
class ChannelInfo:
    index: int
    a: int  # state indexes; a is the party shown first
    b: int
    track: str
    slug: str
    start: int  # ordinal of the first recorded activity
    weight: float
    topics: tuple[str, ...] = ()
    id: int = 0
    siblings: list[int] = field(default_factory=list)  # other tracks of the same pair
    source_starts: list[int] = field(default_factory=list)
    source_ends: list[int] = field(default_factory=list)
    source_ids: list[int] = field(default_factory=list)
    status_starts: list[int] = field(default_factory=list)
    status_values: list[str] = field(default_factory=list)
    troubled: list[tuple[int, int]] = field(default_factory=list)  # (engagement id, ordinal)
    harsh: list[tuple[int, int, int, str]] = field(default_factory=list)  # statements


@dataclass(slots=True)
class Person:
    name: str
    short: str
    aliases: str


# --- The generator -------------------------------------------------------------------------------


class DemoWorld:
    """Builds the demo data into one database. Use `generate()`."""

    def __init__(
        self, sizes: Sizes, *, seed: int, until: date, using: str, progress: Progress
    ) -> None:
        self.sizes = sizes
        self.rng = random.Random(seed)
        self.until = until
        self.until_ord = until.toordinal()
        self.start = date(until.year - YEARS, until.month, 1) + timedelta(days=1)
        self.start_ord = self.start.toordinal()
        self.connection = connections[using]
        self.using = using
        self.progress = progress
        self.writer = Writer(self.connection)
        self.states: list[StateInfo] = []
        self.channels: list[ChannelInfo] = []
        self.people: dict[int, Person] = {}
        self.content_types = {
            model: ContentType.objects.db_manager(using).get_for_model(model).pk
            for model in (
                Actor,
                Channel,
                StatusChange,
                Engagement,
                EngagementTransition,
                Participation,
                Characterisation,
                Statement,
                Interpretation,
                CounterpartClaim,
                StickingPoint,
                OfficeHolding,
                Source,
            )
        }
        self.choose_kind = {track: Chooser(odds) for track, odds in ENGAGEMENT_KINDS.items()}
        self.choose_path = {outcome: Chooser(odds) for outcome, odds in PATHS.items()}
        self.choose_stance = {status: Chooser(odds) for status, odds in STANCE_ODDS.items()}
        self.choose_principals = {track: Chooser(odds) for track, odds in PRINCIPALS.items()}
        self.choose_speaker = {track: Chooser(odds) for track, odds in SPEAKERS.items()}
        self.choose_source_kind = Chooser(SOURCE_KINDS)
        self.choose_state_form = Chooser(STATE_FORMS)
        self.choose_region = Chooser([(region, share) for region, (_, share) in REGIONS.items()])
        self.date_profiles = {
            name: Chooser(odds)
            for name, odds in (
                ("step", STEP_DATES),
                ("held", HELD_DATES),
                ("planned", PLANNED_DATES),
                ("status", STATUS_DATES),
                ("said", SAID_DATES),
                ("published", PUBLISHED_DATES),
                ("holding", HOLDING_DATES),
                ("raised", RAISED_DATES),
            )
        }
        self.taken_slugs: set[str] = set()
        self.taken_titles: set[tuple[str, str]] = set()
        self._midnights: dict[int, datetime] = {}
        self._human: dict[tuple[date, date], str] = {}
        self._open_tables()

    # --- tables ----------------------------------------------------------------------------------

    def _open_tables(self) -> None:
        w = self.writer
        actor_fields = [
            "kind",
            "name",
            "short_name",
            "slug",
            "aliases",
            "state_id",
            "parent_id",
            "description",
        ]
        self.has_region = any(f.attname == "region" for f in Actor._meta.concrete_fields)
        if self.has_region:
            actor_fields.append("region")
        self.t_actor = w.table(Actor, actor_fields)
        self.t_office = w.table(Office, ["title", "institution_id", "description"])
        self.t_holding = w.table(
            OfficeHolding,
            [
                "person_id",
                "office_id",
                "start_earliest",
                "start_latest",
                "start_precision",
                "end_earliest",
                "end_latest",
                "end_precision",
            ],
        )
        self.t_source = w.table(
            Source,
            [
                "kind",
                "outlet",
                "title",
                "url",
                "published_earliest",
                "published_latest",
                "published_precision",
                "relays",
                "notes",
                "text",
                "created_at",
            ],
        )
        self.t_channel = w.table(Channel, ["party_a_id", "party_b_id", "track", "slug", "summary"])
        self.t_status = w.table(
            StatusChange,
            [
                "channel_id",
                "status",
                "trend",
                "confidence",
                "date_earliest",
                "date_latest",
                "date_precision",
                "explanation",
                "recorded_at",
            ],
        )
        self.t_engagement = w.table(
            Engagement,
            [
                "channel_id",
                "kind",
                "title",
                "state",
                "when_earliest",
                "when_latest",
                "when_precision",
                "location",
                "initiator_id",
                "purpose",
                "significance",
            ],
        )
        self.t_step = w.table(
            EngagementTransition,
            [
                "engagement_id",
                "from_state",
                "to_state",
                "date_earliest",
                "date_latest",
                "date_precision",
                "note",
                "recorded_at",
            ],
        )
        self.t_participation = w.table(
            Participation,
            [
                "engagement_id",
                "actor_id",
                "side_id",
                "role",
                "attendance",
            ],
        )
        self.t_characterisation = w.table(Characterisation, ["engagement_id", "side_id", "words"])
        self.t_statement = w.table(
            Statement,
            [
                "speaker_id",
                "text",
                "is_verbatim",
                "said_earliest",
                "said_latest",
                "said_precision",
                "venue",
                "stance",
                "toward_id",
                "recorded_at",
            ],
        )
        self.t_statement_channel = w.table(
            Statement.channels.through, ["statement_id", "channel_id"]
        )
        self.t_interpretation = w.table(
            Interpretation,
            [
                "statement_id",
                "side_id",
                "emphasis",
                "reading",
            ],
        )
        self.t_claim = w.table(
            CounterpartClaim,
            [
                "channel_id",
                "office_id",
                "claimant_id",
                "counterpart_office_id",
                "counterpart_person_id",
                "rationale",
            ],
        )
        self.t_point = w.table(
            StickingPoint,
            [
                "channel_id",
                "title",
                "kind",
                "state",
                "description",
                "raised_earliest",
                "raised_latest",
                "raised_precision",
                "resolved_earliest",
                "resolved_latest",
                "resolved_precision",
            ],
        )
        self.t_point_statement = w.table(
            StickingPoint.statements.through, ["stickingpoint_id", "statement_id"]
        )
        self.t_point_claim = w.table(
            StickingPoint.counterpart_claims.through, ["stickingpoint_id", "counterpartclaim_id"]
        )
        self.t_point_engagement = w.table(
            StickingPoint.engagements.through, ["stickingpoint_id", "engagement_id"]
        )
        self.t_citation = w.table(
            Citation,
            [
                "source_id",
                "content_type_id",
                "object_id",
                "passage",
                "passage_is_verbatim",
                "locator",
                "claim",
            ],
        )
        self.t_search = w.table(SearchEntry, ["content_type_id", "object_id", "title", "body"])

    def avoid_existing(self) -> None:
        """When adding to a database that holds records, keep slugs and source titles unique."""
        self.taken_slugs.update(Actor.objects.using(self.using).values_list("slug", flat=True))
        self.taken_slugs.update(Channel.objects.using(self.using).values_list("slug", flat=True))
        self.taken_titles.update(Source.objects.using(self.using).values_list("outlet", "title"))

    # --- primitives ------------------------------------------------------------------------------

    def unique_slug(self, base: str) -> str:
        slug = base[:110]
        number = 2
        while slug in self.taken_slugs:
            slug = f"{base[:105]}-{number}"
            number += 1
        self.taken_slugs.add(slug)
        return slug

    def unique_title(self, outlet: str, title: str, day: date) -> str:
        """The title, dated (and numbered) if the outlet already has one like it."""
        if (outlet, title) in self.taken_titles:
            dated = title = f"{title} ({day.day} {day:%B %Y})"
            number = 2
            while (outlet, title) in self.taken_titles:
                title = f"{dated} #{number}"
                number += 1
        self.taken_titles.add((outlet, title))
        return title

    def fuzzy(
        self,
        day: int,
        profile: str,
        *,
        after: int | None = None,
        before: int | None = None,
    ) -> tuple[date, date, str]:
        """A fuzzy date around the day (an ordinal) as reports give it: its precision drawn from
        `profile`; its period starting after `after` and ending before `before` (ordinals), or
        else the day itself."""
        unit = self.date_profiles[profile](self.rng)
        d = date.fromordinal(day)
        if unit == "day":
            return d, d, "day"
        if unit == "range":  # a span around the day: "3–6 March"
            earliest = d - timedelta(days=self.rng.randint(0, 3))
            latest = d + timedelta(days=self.rng.randint(1, 4))
        elif unit == "days":  # an event over several days from the day: "17–19 September"
            earliest, latest = d, d + timedelta(days=self.rng.randint(1, 3))
        elif unit == "years":  # "late 2024 or early 2025"
            earliest, _ = period(d, "part_of_year")
            _, latest = period(date.fromordinal(day + 130), "part_of_year")
        else:
            earliest, latest = period(d, unit)
        if (after is not None and earliest.toordinal() <= after) or (
            before is not None and latest.toordinal() >= before
        ):
            return d, d, "day"
        return earliest, latest, precision_of(earliest, latest)

    def moment(self, day: int, lag_days: int = 3) -> datetime:
        """When an editor recorded something that happened on `day`: a few days later, during
        working hours, never after `until`."""
        rng = self.rng
        day = min(day + int(rng.random() * (lag_days + 1)), self.until_ord)
        midnight = self._midnights.get(day)
        if midnight is None:
            midnight = self._midnights[day] = datetime.fromordinal(day).replace(tzinfo=UTC)
        return midnight + timedelta(minutes=480 + int(rng.random() * 660))

    def human(self, value: tuple[date, date, str]) -> str:
        """A fuzzy date as a person writes it ("early March 2021")."""
        key = (value[0], value[1])
        text = self._human.get(key)
        if text is None:
            text = self._human[key] = str(FuzzyDate(value[0], value[1], value[2]))
        return text

    def word(self, phonology: Phonology, endings: tuple[str, ...], syllables: int) -> str:
        rng = self.rng
        parts = [rng.choice(phonology.syllables) for _ in range(syllables)]
        text = "".join(parts) + rng.choice(endings)
        text = re.sub(r"([aeiouy])\1+", r"\1", text)  # "Khahaa" reads badly
        text = re.sub(r"(.)\1\1+", r"\1\1", text)
        return text.capitalize()

    def person_name(self, phonology: Phonology) -> tuple[str, str]:
        given = self.word(phonology, phonology.given_endings, self.rng.choice((1, 2, 2)))
        surname = self.word(phonology, phonology.surname_endings, self.rng.choice((1, 2, 2)))
        return f"{given} {surname}", surname

    def cite(
        self,
        model: type[models.Model],
        object_id: int,
        source_id: int,
        passage: str,
        *,
        verbatim: bool = False,
        claim: str = "",
    ) -> None:
        locator = f"para. {self.rng.randint(1, 14)}" if self.rng.random() < 0.8 else ""
        self.t_citation.add(
            source_id, self.content_types[model], object_id, passage, verbatim, locator, claim
        )

    def index(self, model: type[models.Model], object_id: int, record: object) -> None:
        title, body = search_entry_values(model, record)
        self.t_search.add(self.content_types[model], object_id, title, body)

    def source_near(self, channel: ChannelInfo, day: int) -> int:
        """Index of a source of the channel published on or soon after `day` (an ordinal)."""
        position = bisect.bisect_left(channel.source_starts, day)
        jitter = self.rng.random()
        position += 0 if jitter < 0.7 else 1 if jitter < 0.9 else 2
        return min(position, len(channel.source_ids) - 1)

    def status_at(self, channel: ChannelInfo, day: int) -> str:
        position = bisect.bisect_right(channel.status_starts, day) - 1
        return channel.status_values[max(position, 0)]

    def holder(self, state: StateInfo, keys: Iterable[object], day: int) -> int | None:
        """Who held the first of these offices (that the state has) on `day`."""
        for key in keys:
            office = state.offices.get(key)
            if office is not None and office.holders:
                position = bisect.bisect_right(office.starts, day) - 1
                return office.holders[max(position, 0)]
        return None

    # --- the build -------------------------------------------------------------------------------

    def build(self) -> None:
        tables = [table.model._meta.db_table for table in self.writer.tables]
        foreign_keys = DeferredForeignKeys(self.connection, tables)
        foreign_keys.suspend()
        search_index = DeferredSearchIndex(self.connection)
        search_index.suspend()
        self.plan_states()
        self.plan_channels()
        self.write_actors()
        self.write_channels()
        self.write_engagements()
        self.write_statements()
        self.write_obstacles()
        self.writer.flush()
        self.writer.reset_sequences()
        started = time.monotonic()
        search_index.resume(self.t_search.first_id)
        self.progress.note(
            f"{'search index':<16} {self.t_search.count:>9,} entries indexed in "
            f"{time.monotonic() - started:.1f} s"
        )
        if foreign_keys.constraints:
            started = time.monotonic()
            count = len(foreign_keys.constraints)
            foreign_keys.resume()
            self.progress.note(
                f"{'foreign keys':<16} {count:>9,} checked in {time.monotonic() - started:.1f} s"
            )

    def plan_states(self) -> None:
        rng = self.rng
        stems: set[str] = set()
        for index in range(self.sizes.states):
            region = self.choose_region(rng)
            phonology = REGIONS[region][0]
            while True:
                stem = self.word(phonology, phonology.state_endings, rng.choice((1, 2, 2)))
                if 4 <= len(stem) <= 14 and stem not in stems:
                    break
            stems.add(stem)
            name = self.choose_state_form(rng).format(stem)
            capital = self.word(phonology, phonology.city_endings, rng.choice((1, 2)))
            self.states.append(
                StateInfo(
                    index=index,
                    name=name,
                    short=stem,
                    slug=self.unique_slug(slugify(stem)),
                    region=region,
                    phonology=phonology,
                    power=0.0,
                    capital=capital,
                )
            )
        # A few heavyweights, a long tail: power falls with rank.
        order = list(range(len(self.states)))
        rng.shuffle(order)
        for rank, index in enumerate(order):
            self.states[index].power = 1.0 / (rank + 2) ** 0.9

    def plan_channels(self) -> None:
        """Which pairs of states talk on which tracks: every state with at least one partner
        where the size allows, then pairs drawn by weight (heavyweights and neighbours)."""
        rng = self.rng
        states = self.states
        target = self.sizes.channels

        def affinity(i: int, j: int) -> float:
            same_region = 4.0 if states[i].region == states[j].region else 1.0
            return states[i].power * states[j].power * same_region

        pairs: list[tuple[int, int]] = []
        chosen: set[tuple[int, int]] = set()
        degree = [0] * len(states)
        for i in range(len(states)):
            if degree[i]:
                continue
            others = [j for j in range(len(states)) if j != i]
            j = rng.choices(others, weights=[affinity(i, k) for k in others])[0]
            pair = (min(i, j), max(i, j))
            if pair not in chosen:
                chosen.add(pair)
                pairs.append(pair)
                degree[i] += 1
                degree[j] += 1
        # The rest by weighted sampling without replacement (Efraimidis–Spirakis keys).
        keyed = []
        for i in range(len(states)):
            for j in range(i + 1, len(states)):
                if (i, j) not in chosen:
                    keyed.append((rng.random() ** (1.0 / affinity(i, j)), i, j))
        keyed.sort(reverse=True)
        pairs.extend((i, j) for _, i, j in keyed)

        planned: list[tuple[int, int, str]] = []
        tracks_of: dict[tuple[int, int], list[str]] = {}
        for i, j in pairs:
            if len(planned) >= target:
                break
            heavy = states[i].power + states[j].power
            tracks = ["diplomatic"]
            for track, odds in TRACK_ODDS:
                boost = 0.4 if track == "leaders" and heavy > 0.3 else 0.0
                if rng.random() < odds + boost:
                    tracks.append(track)
            taken = tracks[: target - len(planned)]
            planned.extend((i, j, track) for track in taken)
            tracks_of[(i, j)] = taken
        # A tiny world may run out of pairs: fill in the missing tracks of the pairs taken.
        if len(planned) < target:
            for i, j in pairs:
                for track in Track.values:
                    if len(planned) >= target:
                        break
                    if track not in tracks_of.setdefault((i, j), []):
                        tracks_of[(i, j)].append(track)
                        planned.append((i, j, track))

        by_pair: dict[tuple[int, int], list[int]] = {}
        for index, (i, j, track) in enumerate(planned):
            # The heavier party is shown first, as "US–China" is.
            a, b = (i, j) if states[i].power >= states[j].power else (j, i)
            weight = TRACK_WEIGHTS[track] * (0.15 + (states[a].power * states[b].power) ** 0.5)
            start = (
                self.start_ord
                if rng.random() < 0.8
                else rng.randint(self.start_ord, self.start_ord + 6 * 365)
            )
            topics = tuple(rng.sample(TOPICS[track], 3))
            channel = ChannelInfo(
                index=index,
                a=a,
                b=b,
                track=track,
                slug="",
                start=start,
                weight=weight,
                topics=topics,
            )
            channel.slug = self.unique_slug(f"{states[a].slug}-{states[b].slug}-{track}")
            self.channels.append(channel)
            by_pair.setdefault((i, j), []).append(index)
        for members in by_pair.values():
            for index in members:
                self.channels[index].siblings = [m for m in members if m != index]
        # Partners, most important first: the embassies go to them.
        weight_with: list[dict[int, float]] = [{} for _ in states]
        for channel in self.channels:
            for x, y in ((channel.a, channel.b), (channel.b, channel.a)):
                weight_with[x][y] = weight_with[x].get(y, 0.0) + channel.weight
        for state in states:
            ranked = sorted(weight_with[state.index].items(), key=lambda item: (-item[1], item[0]))
            state.partners = [other for other, _ in ranked]

    # --- actors, offices, holdings ---------------------------------------------------------------

    def write_actors(self) -> None:
        states = self.states
        mean_partners = max(1.0, sum(len(s.partners) for s in states) / len(states))
        weights = [
            1 + 0.5 * min(len(s.partners), 3 * mean_partners) / mean_partners for s in states
        ]
        budgets = allocate(self.sizes.actors, weights, minimum=MIN_ACTORS_PER_STATE)
        for state in states:
            aliases = (
                state.capital if state.name == state.short else (f"{state.short}\n{state.capital}")
            )
            region = Region(state.region).label if state.region in Region.values else ""
            description = f"A state in {region or 'the world'}; capital {state.capital}."
            state.id = self.t_actor.add(
                *self._actor_row(
                    "state",
                    state.name,
                    state.short,
                    state.slug,
                    aliases,
                    None,
                    None,
                    description,
                    state.region,
                )
            )
            self.index(
                Actor,
                state.id,
                SimpleNamespace(
                    name=state.name,
                    short_name=state.short,
                    aliases=aliases,
                    description=description,
                ),
            )
        self.appointments: dict[tuple[int, int], int] = {}  # (state, year) → source id
        with self.progress.phase("actors", self.sizes.actors) as bar:
            bar.advance(len(states))
            for state, budget in zip(states, budgets, strict=True):
                bar.advance(self._write_state_members(state, budget - 1))

    def _actor_row(
        self, kind, name, short, slug, aliases, state_id, parent_id, description, region=""
    ):
        row = [kind, name, short, slug, aliases, state_id, parent_id, description]
        if self.has_region:
            row.append(region)
        return row

    def _write_state_members(self, state: StateInfo, budget: int) -> int:
        """The state's institutions, offices and people (`budget` actors); returns how many."""
        rng = self.rng
        institutions = max(3, min(round((budget + 1) * INSTITUTION_SHARE), budget // 2))
        base = INSTITUTIONS[: min(len(INSTITUTIONS), institutions)]
        embassies = min(len(state.partners), max(0, (institutions - len(base)) // 2))
        monarchy = state.name.startswith(("Kingdom", "Principality"))
        written = 0

        def institution(key: str, name: str, short: str, parent: int | None, description=""):
            nonlocal written
            slug = self.unique_slug(slugify(f"{state.short} {key.replace('_', ' ')}"))
            actor_id = self.t_actor.add(
                *self._actor_row(
                    "institution",
                    name,
                    short,
                    slug,
                    "",
                    state.id,
                    parent,
                    description,
                )
            )
            self.index(
                Actor,
                actor_id,
                SimpleNamespace(
                    name=name,
                    short_name=short,
                    aliases="",
                    description=description,
                ),
            )
            state.institutions[key] = actor_id
            state.institution_names[key] = name
            written += 1
            return actor_id

        def office(key: object, title: str, institution_id: int, years: tuple[int, int]):
            office_id = self.t_office.add(title, institution_id, "")
            state.offices[key] = info = OfficeInfo(office_id, title, institution_id)
            tenures.append((info, years))

        tenures: list[tuple[OfficeInfo, tuple[int, int]]] = []
        for key, name, short, parent, offices in base:
            if key == "leadership" and monarchy:
                name, short = "Office of the Prime Minister of {state}", "{short} government"
                offices = (("leader", "Prime Minister", 3, 6), offices[1])
            actor_id = institution(
                key,
                name.format(state=state.short),
                short.format(short=state.short),
                state.institutions.get(parent) or state.id,
            )
            for office_key, title, shortest, longest in offices:
                office(office_key, title, actor_id, (shortest, longest))
        mission_parent = state.institutions.get("mfa", state.id)
        for partner_index in state.partners[:embassies]:
            partner = self.states[partner_index]
            embassy = institution(
                f"embassy {partner.slug}",
                f"Embassy of {state.short} in {partner.short}",
                f"{state.short} embassy in {partner.capital}",
                mission_parent,
            )
            office(("ambassador", partner_index), f"Ambassador to {partner.short}", embassy, (3, 5))
            attaches = institution(
                f"attaches {partner.slug}",
                f"Defence attachés, Embassy of {state.short} in {partner.short}",
                f"{state.short} defence attachés in {partner.capital}",
                embassy,
                f"The embassy's military attachés, who represent the armed forces of "
                f"{state.short} in {partner.short}.",
            )
            office(("attache", partner_index), "Defence Attaché", attaches, (2, 4))
            # The attachés take part in engagements as a body, as in the seed.
            state.offices[("attache_body", partner_index)] = OfficeInfo(
                0, "", attaches, [0], [attaches]
            )

        # Tenures: a chain of holders for each office, from before the history to `until`.
        people = budget - written
        names: list[Person] = []
        person_ids: list[int] = []
        first_person = self.t_actor.next_id
        holdings: list[tuple[int, OfficeInfo, int, int | None]] = []
        fresh = 0
        for info, (shortest, longest) in tenures:
            day = self.start_ord - rng.randint(0, HOLDINGS_LEAD_YEARS * 365)
            while day <= self.until_ord:
                length = rng.randint(shortest * 365, longest * 365)
                end = day + length
                if fresh < people:
                    person = first_person + fresh
                    fresh += 1
                else:
                    person = first_person + rng.randrange(max(fresh, 1))
                info.starts.append(day)
                info.holders.append(person)
                holdings.append((person, info, day, end if end <= self.until_ord else None))
                day = end + (rng.randint(1, 40) if rng.random() < 0.3 else 0)
        # People left over are advisers and counsellors, in and out over the years.
        adviser_offices: list[OfficeInfo] = []
        for key in ("mfa", "mod", "leadership"):
            if key in state.institutions and fresh < people:
                office_id = self.t_office.add("Senior Adviser", state.institutions[key], "")
                adviser_offices.append(
                    OfficeInfo(office_id, "Senior Adviser", state.institutions[key])
                )
        while fresh < people and adviser_offices:
            info = rng.choice(adviser_offices)
            start = rng.randint(self.start_ord - 3 * 365, self.until_ord - 30)
            end = start + rng.randint(365, 5 * 365)
            holdings.append(
                (first_person + fresh, info, start, end if end <= self.until_ord else None)
            )
            fresh += 1

        # People: names, then their rows (ids were counted from `first_person`).
        first_office: dict[int, tuple[str, int, int | None]] = {}
        for person, info, start, end in holdings:
            if person not in first_office:
                first_office[person] = (info.title, start, end)
        for offset in range(fresh):
            person_id = first_person + offset
            name, surname = self.person_name(state.phonology)
            aliases = f"{name[0]}. {surname}" if rng.random() < 0.2 else ""
            title, start, end = first_office.get(person_id, ("Official", self.start_ord, None))
            until_text = date.fromordinal(end).year if end else "present"
            description = f"{title}, {state.short} ({date.fromordinal(start).year}–{until_text})."
            slug = self.unique_slug(slugify(name))
            actor_id = self.t_actor.add(
                *self._actor_row(
                    "person",
                    name,
                    surname,
                    slug,
                    aliases,
                    state.id,
                    None,
                    description,
                )
            )
            assert actor_id == person_id
            self.people[actor_id] = Person(name, surname, aliases)
            names.append(self.people[actor_id])
            person_ids.append(actor_id)
            self.index(
                Actor,
                actor_id,
                SimpleNamespace(
                    name=name,
                    short_name=surname,
                    aliases=aliases,
                    description=description,
                ),
            )
            written += 1

        for person, info, start, end in holdings:
            start_date = self.fuzzy(start, "holding")
            end_date = (
                self.fuzzy(end, "holding", after=start_date[1].toordinal())
                if end
                else (None, None, "")
            )
            holding_id = self.t_holding.add(person, info.id, *start_date, *end_date)
            year = start_date[0].year
            source_id = self.appointments.get((state.index, year))
            if source_id is None:
                source_id = self._appointments_source(state, year)
            person_name = self.people[person].name
            self.cite(
                OfficeHolding,
                holding_id,
                source_id,
                f"{person_name} is appointed {info.title} ({self.human(start_date)}).",
            )
        return written

    def _appointments_source(self, state: StateInfo, year: int) -> int:
        """The official gazette's list of the year's appointments, which holdings cite."""
        published = min(date(year, 12, 31), self.until)
        outlet = f"Official Gazette of {state.short}"
        title = self.unique_title(outlet, f"Appointments to public office, {year}", published)
        source_id = self.t_source.add(
            "official_statement",
            outlet,
            title,
            f"https://gazette.{state.slug}.example/appointments/{year}",
            published,
            published,
            "day",
            "",
            "",
            "",
            self.moment(published.toordinal(), 0),
        )
        self.index(
            Source,
            source_id,
            SimpleNamespace(
                outlet=outlet,
                title=title,
                relays="",
                notes="",
            ),
        )
        self.appointments[(state.index, year)] = source_id
        return source_id

    # --- channels, sources, status history -------------------------------------------------------

    def write_channels(self) -> None:
        states = self.states
        for state in states:
            state.forum = f"{state.capital} Security Forum"
            state.outlets = (
                f"The {state.capital} Observer",
                f"{state.short} Daily",
                f"{state.capital} Gazette",
            )
        channel_sources = self.sizes.sources - self.t_source.count - len(self.t_source.rows)
        weights = [channel.weight for channel in self.channels]
        source_counts = allocate(channel_sources, weights, minimum=2)
        with self.progress.phase("channels", len(self.channels)) as bar:
            for channel, sources in zip(self.channels, source_counts, strict=True):
                a, b = states[channel.a], states[channel.b]
                track_noun = TRACK_NOUNS[channel.track]
                summary = (
                    f"{track_noun.capitalize()} contact between {a.short} and {b.short}: "
                    f"{', '.join(channel.topics[:2])} and {channel.topics[2]}."
                )
                channel.id = self.t_channel.add(a.id, b.id, channel.track, channel.slug, summary)
                self._write_sources(channel, sources)
                self._write_status_history(channel)
                bar.advance()

    def _write_sources(self, channel: ChannelInfo, count: int) -> None:
        rng = self.rng
        a, b = self.states[channel.a], self.states[channel.b]
        days = sorted(rng.randint(channel.start, self.until_ord) for _ in range(count - 1))
        days.append(self.until_ord)  # every fact finds a report on or after it
        track = channel.track
        for day in days:
            kind = self.choose_source_kind(rng)
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
            title = self.unique_title(outlet, title, d)
            earliest, latest, precision = self.fuzzy(day, "published", before=self.until_ord + 1)
            url = f"https://{domain}/{d:%Y/%m/%d}/{ascii_slug(title)[:80]}"
            source_id = self.t_source.add(
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
                self.moment(latest.toordinal(), 2),
            )
            self.index(
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
        rng = self.rng
        a, b = self.states[channel.a], self.states[channel.b]
        span = self.until_ord - channel.start
        changes = max(2, round(rng.uniform(0.5, 1.5) * 12 * span / (YEARS * 365)))
        days = sorted(rng.sample(range(channel.start, self.until_ord), min(changes, span)))
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
            next_day = days[position + 1] if position + 1 < len(days) else self.until_ord + 1
            if previous_end is not None and day <= previous_end:
                continue
            earliest, latest, precision = self.fuzzy(
                day, "status", after=previous_end, before=next_day
            )
            previous_end = latest.toordinal()
            first, second = (a, b) if rng.random() < 0.5 else (b, a)
            explanation = rng.choice(STATUS_EXPLANATIONS[status]).format(
                a=first.short,
                b=second.short,
                track=TRACK_NOUNS[channel.track],
                topic=rng.choice(channel.topics),
                kind=KIND_NOUNS[self.choose_kind[channel.track](rng)],
            )
            confidence = rng.choices(("low", "medium", "high"), weights=(0.2, 0.55, 0.25))[0]
            change_id = self.t_status.add(
                channel.id,
                status,
                trend,
                confidence,
                earliest,
                latest,
                precision,
                explanation,
                self.moment(latest.toordinal()),
            )
            channel.status_starts.append(earliest.toordinal())
            channel.status_values.append(status)
            source = self.source_near(channel, latest.toordinal())
            self.cite(StatusChange, change_id, channel.source_ids[source], explanation)

    # --- engagements -----------------------------------------------------------------------------

    def write_engagements(self) -> None:
        counts = allocate(self.sizes.engagements, [c.weight for c in self.channels], minimum=1)
        with self.progress.phase("engagements", self.sizes.engagements) as bar:
            for channel, count in zip(self.channels, counts, strict=True):
                self._write_channel_engagements(channel, count)
                bar.advance(count)

    def _write_channel_engagements(self, channel: ChannelInfo, count: int) -> None:
        rng = self.rng
        until = self.until_ord
        planned_days = sorted(rng.randint(channel.start, until + FUTURE_DAYS) for _ in range(count))
        rounds = 0
        a, b = self.states[channel.a], self.states[channel.b]
        track = channel.track
        for planned in planned_days:
            kind = self.choose_kind[track](rng)
            status = self.status_at(channel, min(planned, until))
            if planned > until:
                outcome = rng.choices(
                    ("proposed", "scheduled", "postponed"), weights=(0.5, 0.4, 0.1)
                )[0]
            elif planned > until - 45:
                outcome = "held" if rng.random() < 0.6 else rng.choice(("proposed", "scheduled"))
            elif rng.random() < HELD_ODDS[status]:
                outcome = "held"
            else:
                outcome = rng.choice(("declined", "cancelled", "cancelled"))
            path = self.choose_path[outcome](rng)
            if kind == "dialogue_round":
                rounds += 1
            initiator, other = (a, b) if rng.random() < 0.5 + 0.2 * (a.power > b.power) else (b, a)
            self._write_engagement(channel, kind, planned, path, initiator, other, rounds, status)

    def _step_days(self, planned: int, path: tuple[str, ...], until: int) -> tuple[list[int], int]:
        """Raw days (ordinals) of the steps, ascending, none after `until`; and the day the
        engagement is (finally) planned for, which a postponement moves."""
        rng = self.rng
        days: list[int] = []
        current_plan = planned
        for state in path:
            if state == "proposed":
                day = current_plan - rng.randint(20, 150)
            elif state == "scheduled":
                day = current_plan - rng.randint(3, 30)
            elif state == "held":
                day = current_plan
            elif state == "declined":
                day = (days[-1] if days else current_plan - 60) + rng.randint(5, 45)
            elif state == "cancelled":
                day = current_plan - rng.randint(0, 14)
            else:  # postponed: the date moves later
                day = current_plan - rng.randint(0, 7)
                current_plan += rng.randint(20, 90)
            if days and day <= days[-1]:
                day = days[-1] + rng.randint(1, 5)
            days.append(day)
        if days[-1] > until:  # nothing is reported after `until`: move the steps back
            shift = days[-1] - until + rng.randint(0, 10)
            days = [day - shift for day in days]
        return days, current_plan

    def _write_engagement(self, channel, kind, planned, path, initiator, other, rounds, status):
        rng = self.rng
        until = self.until_ord
        a, b = self.states[channel.a], self.states[channel.b]
        track = channel.track
        final = path[-1]
        days, plan = self._step_days(planned, path, until)
        if final == "held":
            plan = days[-1]

        # Dates: the steps in order, each one's period before the next step begins.
        steps: list[tuple[date, date, str]] = []
        previous_end: int | None = None
        for position, day in enumerate(days):
            if path[position] == "held":
                steps.append(())  # filled in below from `when`
                continue
            before = days[position + 1] if position + 1 < len(days) else until + 1
            steps.append(self.fuzzy(day, "step", after=previous_end, before=before))
            previous_end = steps[-1][1].toordinal()
        if final == "held":
            when = self.fuzzy(plan, "held", after=previous_end, before=until + 1)
            steps[-1] = when
        else:
            when = self.fuzzy(plan, "planned")
        main_source = self.source_near(channel, days[-1])
        source_id = channel.source_ids[main_source]
        if final in ("proposed", "scheduled", "postponed"):
            report_end = channel.source_ends[main_source]
            if when[0].toordinal() <= report_end:  # expected after the report that forecasts it
                when = self.fuzzy(report_end + rng.randint(7, 60), "planned", after=report_end)
            if rng.random() < 0.05:
                when = (None, None, "")

        # Who: each side's principal, delegates and attachés, by track and kind.
        host, guest = (other, initiator) if kind in ("visit", "forum") else (initiator, other)
        if kind == "dialogue_round":
            keys = DIALOGUE_PRINCIPALS[track]
        else:
            keys = self.choose_principals[track](rng)
        people: list[tuple[int, StateInfo, str]] = []
        seen: set[int] = set()

        def take(state: StateInfo, actor: int | None, role: str) -> None:
            if actor is not None and actor not in seen:
                seen.add(actor)
                people.append((actor, state, role))

        if kind == "forum":  # the guest attends the host's forum
            take(guest, self.holder(guest, keys, plan), "principal")
            take(host, state_id_or_none(host, "mfa" if track != "military" else "mod"), "host")
        else:
            take(initiator, self.holder(initiator, keys, plan), "principal")
            take(other, self.holder(other, keys, plan), "principal")
        if kind not in CALL_KINDS:
            for state in (guest, host) if kind != "forum" else (guest,):
                for _ in range(rng.choice((0, 0, 1, 1, 2))):
                    take(
                        state,
                        self.holder(state, (rng.choice(DELEGATES[track]),), plan),
                        "delegation",
                    )
                if rng.random() < 0.3:
                    partner = host if state is guest else guest
                    take(
                        state,
                        self.holder(state, (("ambassador", partner.index),), plan),
                        "delegation",
                    )
            if track in ("military", "multilateral") and kind in ("visit", "forum", "meeting"):
                take(guest, self.holder(guest, (("attache_body", host.index),), plan), "attache")
        principals = [
            self.people[actor].short
            for actor, _, role in people
            if role == "principal" and actor in self.people
        ]

        # What: title, place, purpose.
        title = self._engagement_title(
            kind, track, a, b, initiator, other, host, guest, principals, plan, rounds
        )
        location = (
            ""
            if kind in CALL_KINDS
            else (host.capital if rng.random() < 0.85 else f"{rng.choice(self.states).capital}")
        )
        topic = rng.choice(channel.topics)
        purpose = (
            rng.choice(
                (
                    f"To discuss {topic}.",
                    f"To prepare a meeting of the leaders on {topic}.",
                    f"Follow-up on {topic}.",
                    "",
                )
            )
            if rng.random() < 0.6
            else ""
        )
        significance = (
            rng.choice(
                (
                    f"The first {TRACK_NOUNS[track]} contact at this level in over a year.",
                    f"Would be the first senior contact since the dispute over {topic}.",
                    "Seen by both sides as a test of the channel.",
                )
            )
            if rng.random() < 0.15
            else ""
        )
        initiator_id = initiator.id if rng.random() < 0.7 else None
        engagement_id = self.t_engagement.add(
            channel.id,
            kind,
            title,
            final,
            *when,
            location,
            initiator_id,
            purpose,
            significance,
        )
        self.index(
            Engagement,
            engagement_id,
            SimpleNamespace(
                title=title,
                location=location,
                purpose=purpose,
                significance=significance,
                # In the order `reindex_all` reads them (Participation's Meta.ordering).
                participations=SimpleNamespace(
                    all=lambda: [
                        SimpleNamespace(actor=SimpleNamespace(name=name))
                        for _, _, name in sorted(
                            (state.name, role, self._actor_name(actor, state))
                            for actor, state, role in people
                        )
                    ]
                ),
                channel=SimpleNamespace(
                    party_a=SimpleNamespace(name=a.name), party_b=SimpleNamespace(name=b.name)
                ),
            ),
        )
        when_text = self.human(when) if when[0] else "a date not set"
        noun = KIND_NOUNS[kind]
        passage = {
            "held": f"{title}: held, {when_text}{f', in {location}' if location else ''}.",
            "proposed": f"{initiator.short} has proposed a {noun} with {other.short} "
            f"for {when_text}; {other.short} has not yet accepted.",
            "scheduled": f"{title} is scheduled for {when_text}.",
            "postponed": f"{title} has been postponed; no new date has been given.",
            "declined": f"{other.short} declined a {noun} that {initiator.short} proposed.",
            "cancelled": f"{title}, planned for {when_text}, was cancelled.",
        }[final]
        self.cite(
            Engagement,
            engagement_id,
            source_id,
            passage,
            claim="date and venue" if final == "held" and rng.random() < 0.2 else "",
        )
        if rng.random() < 0.1:
            extra = self.source_near(channel, days[-1] + rng.randint(1, 30))
            if channel.source_ids[extra] != source_id:
                self.cite(Engagement, engagement_id, channel.source_ids[extra], passage)

        # The lifecycle, step by step.
        before = ""
        notes = {
            "proposed": f"Proposed by {initiator.short}.",
            "scheduled": "Date agreed by both sides.",
            "held": "Held.",
            "declined": f"Declined by {other.short}.",
            "postponed": f"Postponed at the request of {rng.choice((a, b)).short}.",
            "cancelled": f"Cancelled amid the dispute over {topic}.",
        }
        for state, day, step_date in zip(path, days, steps, strict=True):
            step_id = self.t_step.add(
                engagement_id,
                before,
                state,
                *step_date,
                notes[state],
                self.moment(step_date[1].toordinal()),
            )
            step_source = channel.source_ids[self.source_near(channel, day)]
            self.cite(
                EngagementTransition,
                step_id,
                step_source,
                f"{title}: {notes[state].rstrip('.').lower()} ({self.human(step_date)}).",
            )
            before = state

        # Participants, with their attendance.
        for actor, state, role in people:
            if final == "held" or final == "cancelled":
                attendance = "confirmed"
            elif final == "declined":
                attendance = "declined" if state is other else "confirmed"
            elif final == "proposed":
                attendance = "tentative" if state is initiator or role != "principal" else "sought"
            else:
                attendance = "confirmed" if rng.random() < 0.8 else "tentative"
            participation_id = self.t_participation.add(
                engagement_id, actor, state.id, role, attendance
            )
            self.cite(
                Participation,
                participation_id,
                source_id,
                f"{self._actor_name(actor, state)} ({state.short}, {role}) "
                f"{'took part' if final == 'held' else 'is named'} in the {noun}.",
            )

        # Each side's own words for a held engagement.
        if final == "held":
            mood = {"open": "good", "limited": "good", "stalled": "mixed", "frozen": "bad"}[status]
            sides = [] if rng.random() < 0.45 else [a] if rng.random() < 0.7 else [a, b]
            for side in sides:
                words = rng.choice(CHARACTERISATIONS[mood if rng.random() < 0.8 else "mixed"])
                characterisation_id = self.t_characterisation.add(engagement_id, side.id, words)
                self.cite(
                    Characterisation,
                    characterisation_id,
                    source_id,
                    f"{side.short} called the {noun} “{words}”.",
                    claim="the side's words",
                )
        elif final in ("declined", "cancelled", "postponed", "proposed") and plan > (
            until - 5 * 365
        ):
            channel.troubled.append((engagement_id, days[-1]))
            if len(channel.troubled) > 12:
                channel.troubled.pop(rng.randrange(len(channel.troubled)))

    def _actor_name(self, actor: int, state: StateInfo) -> str:
        person = self.people.get(actor)
        if person is not None:
            return person.name
        for key, actor_id in state.institutions.items():
            if actor_id == actor:
                return state.institution_names[key]
        return state.name

    def _engagement_title(
        self, kind, track, a, b, initiator, other, host, guest, principals, plan, rounds
    ) -> str:
        year = date.fromordinal(plan).year
        pair = "–".join(principals[:2]) if len(principals) >= 2 else f"{a.short}–{b.short}"
        if kind == "phone_call":
            return f"{pair} call"
        if kind == "video_call":
            return f"{pair} video call"
        if kind == "meeting":
            return f"{pair} meeting"
        if kind == "visit":
            who = principals[0] if principals else guest.short
            return f"{who} visit to {host.short}, {year}"
        if kind == "summit":
            return f"{a.short}–{b.short} summit, {year}"
        if kind == "forum":
            return f"{host.forum} {year} — {guest.short} participation"
        return f"{a.short}–{b.short} {DIALOGUES[track]}, round {rounds}"

    # --- statements ------------------------------------------------------------------------------

    def write_statements(self) -> None:
        counts = allocate(self.sizes.statements, [c.weight for c in self.channels], minimum=1)
        with self.progress.phase("statements", self.sizes.statements) as bar:
            for channel, count in zip(self.channels, counts, strict=True):
                self._write_channel_statements(channel, count)
                bar.advance(count)

    def _write_channel_statements(self, channel: ChannelInfo, count: int) -> None:
        rng = self.rng
        until = self.until_ord
        a, b = self.states[channel.a], self.states[channel.b]
        track = channel.track
        for _ in range(count):
            day = rng.randint(channel.start, until)
            status = self.status_at(channel, day)
            stance = self.choose_stance[status](rng)
            speaker_state, other = (a, b) if rng.random() < 0.5 else (b, a)
            office = self.choose_speaker[track](rng)
            keys = (("ambassador", other.index),) if office == "ambassador" else (office,)
            speaker = self.holder(speaker_state, (*keys, *SPEAKER_FALLBACK), day)
            if speaker is None:  # a state too small for any of those offices
                speaker = next(o.holders[0] for o in speaker_state.offices.values() if o.id)
            person = self.people[speaker]
            topic = rng.choice(channel.topics)
            fill = {
                "self": speaker_state.short,
                "other": other.short,
                "topic": topic,
                "track": TRACK_NOUNS[track],
                "kind": KIND_NOUNS[self.choose_kind[track](rng)],
            }
            verbatim = rng.random() < 0.78
            if verbatim:
                lead, quote = rng.choice(LEADS), rng.choice(QUOTES[stance])
                if lead and not quote.startswith("{"):  # "Let me be clear: our door…"
                    quote = quote[0].lower() + quote[1:]
                text = lead + quote.format(**fill)
            else:
                text = rng.choice(PARAPHRASES[stance]).format(**fill)
            if rng.random() < 0.03:
                said = (None, None, "")
            else:
                said = self.fuzzy(day, "said", before=until + 1)
            venue = rng.choice(
                (
                    f"press conference in {speaker_state.capital}",
                    "regular press briefing",
                    f"interview with {rng.choice(GLOBAL_OUTLETS)}",
                    f"{other.forum}",
                    f"address to the Parliament of {speaker_state.short}",
                    "",
                    "",
                    f"joint press appearance in {other.capital}",
                )
            )
            toward = other.id if rng.random() < 0.95 else None
            statement_id = self.t_statement.add(
                speaker,
                text,
                verbatim,
                *said,
                venue,
                stance,
                toward,
                self.moment(day),
            )
            self.index(
                Statement,
                statement_id,
                SimpleNamespace(
                    text=text,
                    venue=venue,
                    speaker=SimpleNamespace(
                        name=person.name, short_name=person.short, aliases=person.aliases
                    ),
                ),
            )
            self.t_statement_channel.add(statement_id, channel.id)
            if channel.siblings and rng.random() < 0.15:
                sibling = self.channels[rng.choice(channel.siblings)]
                self.t_statement_channel.add(statement_id, sibling.id)
            source_id = channel.source_ids[self.source_near(channel, day)]
            if verbatim:
                passage = text if rng.random() < 0.4 else f"{person.name} said: “{text}”"
            else:
                passage = f"{person.name} ({speaker_state.short}): {text[0].lower()}{text[1:]}"
            self.cite(Statement, statement_id, source_id, passage, verbatim=verbatim)
            if rng.random() < 0.08:
                second = channel.source_ids[self.source_near(channel, day + rng.randint(1, 20))]
                if second != source_id:
                    self.cite(Statement, statement_id, second, passage, verbatim=verbatim)

            # How the sides read it: mostly the other side, sometimes both.
            draw = rng.random()
            readers: list[tuple[StateInfo, str]] = []
            if draw < 0.12:
                readers.append((other, rng.choice(("focuses_on", "disputes", "downplays"))))
            elif draw < 0.16:
                readers.append((speaker_state, rng.choice(("highlights", "downplays"))))
                readers.append((other, rng.choice(("focuses_on", "disputes"))))
            for side, emphasis in readers:
                reading = READINGS[emphasis].format(
                    side=side.short,
                    speaker=person.name,
                    speaker_state=speaker_state.short,
                    topic=topic,
                )
                interpretation_id = self.t_interpretation.add(
                    statement_id, side.id, emphasis, reading
                )
                self.cite(Interpretation, interpretation_id, source_id, reading)

            if stance == "hostile" and day > until - 6 * 365:
                channel.harsh.append((statement_id, day, speaker, topic))
                if len(channel.harsh) > 8:
                    channel.harsh.pop(rng.randrange(len(channel.harsh)))

    # --- counterpart claims and sticking points --------------------------------------------------

    def write_obstacles(self) -> None:
        # The busiest channel where the question can arise has a disputed counterpart, as the
        # seed's US–China military channel does; elsewhere it is a matter of chance.
        candidates = [c for c in self.channels if self._counterpart_offices(c)]
        disputed = max(candidates, key=lambda c: (c.weight, -c.index), default=None)
        with self.progress.phase("sticking points", len(self.channels)) as bar:
            for channel in self.channels:
                claims = self._write_counterpart_claims(channel, force=channel is disputed)
                self._write_sticking_points(channel, claims)
                bar.advance()

    def _counterpart_offices(self, channel: ChannelInfo):
        """(office in question, the other side's equal, its alternative, the alternative's key)
        when both states have them."""
        keys = COUNTERPART_OFFICES.get(channel.track)
        if keys is None:
            return None
        own, alternative = keys
        a, b = self.states[channel.a], self.states[channel.b]
        offices = (a.offices.get(own), b.offices.get(own), b.offices.get(alternative))
        return (*offices, alternative) if all(offices) else None

    def _write_counterpart_claims(self, channel: ChannelInfo, force: bool = False) -> list[int]:
        rng = self.rng
        odds = {"military": 0.3, "diplomatic": 0.08, "leaders": 0.05}.get(channel.track, 0.0)
        if rng.random() >= odds and not force:
            return []
        offices = self._counterpart_offices(channel)
        if offices is None:
            return []
        a, b = self.states[channel.a], self.states[channel.b]
        asked, counterpart_own, counterpart_alt, alternative = offices
        disputed = force or rng.random() < 0.7
        claims = []
        source_id = channel.source_ids[self.source_near(channel, self.until_ord - 400)]
        for claimant, office, person in (
            (b, counterpart_own, None),
            (
                a,
                counterpart_alt if disputed else counterpart_own,
                self.holder(b, (alternative,), self.until_ord) if disputed else None,
            ),
        ):
            rationale = (
                f"{claimant.short} sees the {office.title} of {b.short} as the natural "
                f"equivalent of the {asked.title} of {a.short}."
                if person is None
                else f"{claimant.short} sees the {office.title} of {b.short} as holding real "
                f"authority over the armed forces and foreign policy of {b.short}."
            )
            claim_id = self.t_claim.add(
                channel.id, asked.id, claimant.id, office.id, person, rationale
            )
            self.cite(CounterpartClaim, claim_id, source_id, rationale)
            claims.append(claim_id)
        return claims if disputed else []

    def _write_sticking_points(self, channel: ChannelInfo, claims: list[int]) -> None:
        rng = self.rng
        until = self.until_ord
        a, b = self.states[channel.a], self.states[channel.b]
        status = channel.status_values[-1] if channel.status_values else "open"
        count = rng.choice(
            {"open": (0, 1, 1, 2), "limited": (1, 2, 3), "stalled": (2, 3, 4), "frozen": (3, 4, 5)}[
                status
            ]
        )
        titles: set[str] = set()
        plans: list[tuple[str, str, str, list[int], list[int]]] = []
        if claims:
            holder = self.holder(a, ("dm", "fm", "leader"), until)
            name = self.people[holder].short if holder in self.people else a.short
            plans.append(
                (
                    "counterpart_dispute",
                    f"Who is {name}'s counterpart",
                    f"{a.short} and {b.short} disagree on which official of {b.short} "
                    f"should deal with {name}; proposed contact waits on it.",
                    [],
                    claims,
                )
            )
        for statement_id, _day, speaker, topic in channel.harsh[: rng.randint(0, 2)]:
            name = self.people[speaker].short
            plans.append(
                (
                    "remark",
                    f"{name}'s remarks on {topic}",
                    f"The sides read {name}'s remarks on {topic} differently, and the "
                    f"offended side holds back from contact because of them.",
                    [statement_id],
                    [],
                )
            )
        while len(plans) < count:
            kind = rng.choice(("sanction", "incident", "other", "sanction", "incident"))
            topic = rng.choice(channel.topics)
            target, actor = (a, b) if rng.random() < 0.5 else (b, a)
            title = {
                "sanction": f"Sanctions of {actor.short} over {topic}",
                "incident": f"Incident over {topic}",
                "other": f"Dispute over {topic}",
            }[kind]
            plans.append(
                (
                    kind,
                    title,
                    f"{actor.short} and {target.short} are at odds over {topic}; "
                    f"{target.short} makes progress on it a condition for more contact.",
                    [],
                    [],
                )
            )
        for kind, title, description, statements, claim_ids in plans:
            if title in titles:
                continue
            titles.add(title)
            raised_day = rng.randint(max(channel.start, until - 6 * 365), until - 20)
            raised = self.fuzzy(raised_day, "raised", before=until + 1)
            resolved_ok = rng.random() < 0.4 and raised[1].toordinal() < until - 60
            if resolved_ok:
                resolved_day = rng.randint(raised[1].toordinal() + 30, until)
                resolved = self.fuzzy(
                    resolved_day, "raised", after=raised[1].toordinal(), before=until + 1
                )
                state = "resolved"
            else:
                resolved = (None, None, "")
                state = "open"
            point_id = self.t_point.add(
                channel.id, title, kind, state, description, *raised, *resolved
            )
            source_id = channel.source_ids[self.source_near(channel, raised[1].toordinal())]
            self.cite(StickingPoint, point_id, source_id, description)
            for statement_id in statements:
                self.t_point_statement.add(point_id, statement_id)
            for claim_id in claim_ids:
                self.t_point_claim.add(point_id, claim_id)
            blocked = [e for e, day in channel.troubled if day >= raised[0].toordinal()]
            for engagement_id in blocked[: rng.randint(0, 2)]:
                self.t_point_engagement.add(point_id, engagement_id)


# Counterpart questions by track: the office asked about, and the other side's alternative.
COUNTERPART_OFFICES = {
    "military": ("dm", "chief"),
    "diplomatic": ("fm", "deputy_fm"),
    "leaders": ("leader", "fm"),
}


def state_id_or_none(state: StateInfo, key: str) -> int | None:
    """The state's institution `key` (actor id), if it has one."""
    return state.institutions.get(key)


# --- Entry points --------------------------------------------------------------------------------

# Rows of these models are the records; DataVersion (cache bookkeeping) is not one.
_NOT_RECORDS = {"dataversion"}


def record_models() -> list[type[models.Model]]:
    """Every model of the events app that holds records, with the auto-created many-to-many
    tables."""
    found = []
    for model in apps.get_app_config("events").get_models(include_auto_created=True):
        if model._meta.model_name not in _NOT_RECORDS:
            found.append(model)
    return found


def existing_records(using: str = "default") -> dict[str, int]:
    """How many records of the main kinds the database holds (for the refusal message)."""
    counts = {}
    for model in (Actor, Channel, Source, Engagement, Statement):
        count = model._base_manager.using(using).count()
        if count:
            counts[str(model._meta.verbose_name_plural)] = count
    return counts


def flush_records(using: str = "default") -> None:
    """Delete every record of the events app, and their edit history (which would otherwise
    offer to "recover" them): `TRUNCATE` on PostgreSQL, `DELETE` elsewhere. Run it inside the
    transaction that loads the new data."""
    connection = connections[using]
    tables = [model._meta.db_table for model in record_models()]
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # TRUNCATE refuses tables with deferred checks pending in this transaction: run
            # them now, then defer again for the bulk load that follows.
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute(f"TRUNCATE {', '.join(quote(t) for t in tables)} RESTART IDENTITY")
            cursor.execute("SET CONSTRAINTS ALL DEFERRED")
        else:
            # SQLite: empty the full-text table at once, not through its per-row trigger.
            trigger = "events_searchentry_fts_delete"
            definition = sqlite_trigger(cursor, trigger) if connection.vendor == "sqlite" else None
            if definition:
                cursor.execute(f"DROP TRIGGER {trigger}")
                cursor.execute(
                    f"INSERT INTO {search.FTS_TABLE}({search.FTS_TABLE}) VALUES ('delete-all')"
                )
            for table in tables:
                cursor.execute(f"DELETE FROM {quote(table)}")
            if definition:
                cursor.execute(definition)
    content_types = ContentType.objects.db_manager(using).filter(app_label="events")
    Version.objects.using(using).filter(content_type__in=content_types).delete()
    Revision.objects.using(using).filter(version__isnull=True).delete()


def generate(
    sizes: Sizes,
    *,
    seed: int = 1,
    until: date = DEFAULT_UNTIL,
    using: str = "default",
    flush: bool = False,
    progress: Progress | None = None,
) -> None:
    """Build the demo data in one transaction (`flush`: delete every record first). The caller
    checks whether the database may be written to (see the management command)."""
    progress = progress or Progress(sys.stderr, enabled=False)
    connection = connections[using]
    with transaction.atomic(using=using):
        if flush:
            progress.note("Deleting the existing records…")
            flush_records(using)
        world = DemoWorld(sizes, seed=seed, until=until, using=using, progress=progress)
        if not flush:
            world.avoid_existing()
        world.build()
        # Rows written around the model signals: retire every cached page ourselves.
        bump_data_version()
    if connection.vendor == "postgresql" and not connection.in_atomic_block:
        # Fresh statistics for the planner, and a visibility map for index-only scans.
        progress.note("Vacuuming and analysing the tables…")
        quote = connection.ops.quote_name
        with connection.cursor() as cursor:
            for model in record_models():
                cursor.execute(f"VACUUM (ANALYZE) {quote(model._meta.db_table)}")
