"""The world being built, shared by the writers of each family of records: the plan (states and
the channels between them), what has been written so far that later records refer to (ids,
offices and who held them, each channel's sources and status history, the people), and the
primitives every writer uses — the one random generator, fuzzy dates, citations, search
entries.

One `random.Random(seed)` drives everything, so the data depends on the order of every draw:
the writers run in a fixed order (`build.build`) and each draws in the order it writes. Moving a
draw changes the data a seed gives: the tests check that a seed repeats itself and that the
rules hold, not the values themselves, so compare the rows before and after such a change.

The planning is done first, in memory, because the other records hang from it: states get a
region, a weight ("power") and names; pairs of states get channels on tracks; and each state's
partners are ranked, which decides where it has embassies.
"""

import bisect
import random
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta

from django.contrib.contenttypes.models import ContentType
from django.db import connections, models
from django.utils.text import slugify

from events.fuzzydates import FuzzyDate, Precision
from events.models import (
    Actor,
    Channel,
    Characterisation,
    CounterpartClaim,
    Engagement,
    EngagementTransition,
    Interpretation,
    OfficeHolding,
    Participation,
    Source,
    Statement,
    StatusChange,
    StickingPoint,
)
from events.offline.demo.bulk import Writer
from events.offline.demo.helpers import Chooser, period, precision_of, search_entry_values
from events.offline.demo.sizes import YEARS, Sizes
from events.offline.demo.tables import Tables
from events.offline.demo.vocabulary import (
    ENGAGEMENT_KINDS,
    HELD_DATES,
    HOLDING_DATES,
    PATHS,
    PLANNED_DATES,
    PRINCIPALS,
    PUBLISHED_DATES,
    RAISED_DATES,
    REGIONS,
    SAID_DATES,
    SOURCE_KINDS,
    SPEAKERS,
    STANCE_ODDS,
    STATE_FORMS,
    STATUS_DATES,
    STEP_DATES,
    TOPICS,
    TRACK_ODDS,
    TRACK_WEIGHTS,
    Phonology,
)
from events.offline.progress import Progress
from events.vocabularies import Track


@dataclass(slots=True)
class OfficeInfo:
    """An office as written, with the chain of its holders over the years."""

    id: int
    title: str
    institution: int  # actor id
    starts: list[int] = field(default_factory=list)  # tenure start ordinals, ascending
    holders: list[int] = field(default_factory=list)  # actor id of each tenure's holder


@dataclass(slots=True)
class StateInfo:
    """A state as planned, then filled in by the writers (its actor id, institutions, offices,
    forum and national outlets)."""

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
    """A channel as planned, then filled in as its records are written: its sources and status
    history (which later records cite and follow), troubled engagements and harsh statements
    (which sticking points refer to)."""

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
    """The names of a person written as an actor (statements and engagements name them)."""

    name: str
    short: str
    aliases: str


class World:
    """What the writers share while the demo data is built into one database (see
    `build.generate`)."""

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
        self.content_types: dict[type[models.Model], int] = {
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
        self.tables = Tables(self.writer)

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

    def noon(self, day: int) -> datetime:
        """Midday UTC on `day`: a recording time for rows whose time is not drawn at random
        (so adding one does not shift the random draws that follow)."""
        return datetime.fromordinal(min(day, self.until_ord)).replace(tzinfo=UTC) + timedelta(
            hours=12
        )

    def human(self, value: tuple[date, date, str]) -> str:
        """A fuzzy date as a person writes it ("early March 2021")."""
        key = (value[0], value[1])
        text = self._human.get(key)
        if text is None:
            text = self._human[key] = str(FuzzyDate(value[0], value[1], Precision(value[2])))
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
        self.tables.citation.add(
            source_id, self.content_types[model], object_id, passage, verbatim, locator, claim
        )

    def index(self, model: type[models.Model], object_id: int, record: object) -> None:
        title, body = search_entry_values(model, record)
        self.tables.search_entry.add(self.content_types[model], object_id, title, body)

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

    # --- the plan ------------------------------------------------------------------------------

    def plan_states(self) -> None:
        """The states: a region, a name from the region's sounds, a capital, and a weight."""
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
        keyed = [
            (rng.random() ** (1.0 / affinity(i, j)), i, j)
            for i in range(len(states))
            for j in range(i + 1, len(states))
            if (i, j) not in chosen
        ]
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
