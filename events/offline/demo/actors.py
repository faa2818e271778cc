"""Actors, offices and who held them: each state, its institutions (ministries, a general staff,
embassies in its main partners with their defence attachés), their offices, and the people who
held each office over the years (`OfficeHolding`, fuzzy start and end).

A state's share of the actors grows with its number of partners. Each office gets a chain of
holders from before the history starts to its end; people left over become senior advisers.
Every holding cites the official gazette's list of that year's appointments (one source per
state and year, written here).
"""

from datetime import date
from types import SimpleNamespace

from django.utils.text import slugify

from events.models import Actor, OfficeHolding, Source
from events.offline.demo.helpers import allocate
from events.offline.demo.sizes import HOLDINGS_LEAD_YEARS, MIN_ACTORS_PER_STATE
from events.offline.demo.vocabulary import INSTITUTION_SHARE, INSTITUTIONS
from events.offline.demo.world import OfficeInfo, Person, StateInfo, World
from events.vocabularies import Region


class ActorWriter:
    """Writes the states, their institutions, offices, people and holdings; fills in each
    `StateInfo` (ids, institutions, offices and their holders) and `world.people`."""

    def __init__(self, world: World) -> None:
        self.world = world
        self.rng = world.rng
        self.tables = world.tables
        self.appointments: dict[tuple[int, int], int] = {}  # (state, year) → gazette source id

    def write(self) -> None:
        world = self.world
        states = world.states
        mean_partners = max(1.0, sum(len(s.partners) for s in states) / len(states))
        weights = [
            1 + 0.5 * min(len(s.partners), 3 * mean_partners) / mean_partners for s in states
        ]
        budgets = allocate(world.sizes.actors, weights, minimum=MIN_ACTORS_PER_STATE)
        for state in states:
            aliases = (
                state.capital if state.name == state.short else (f"{state.short}\n{state.capital}")
            )
            region = Region(state.region).label if state.region in Region.values else ""
            description = f"A state in {region or 'the world'}; capital {state.capital}."
            state.id = self.tables.actor.add(
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
            world.index(
                Actor,
                state.id,
                SimpleNamespace(
                    name=state.name,
                    short_name=state.short,
                    aliases=aliases,
                    description=description,
                ),
            )
        with world.progress.phase("actors", world.sizes.actors) as bar:
            bar.advance(len(states))
            for state, budget in zip(states, budgets, strict=True):
                bar.advance(self._write_state_members(state, budget - 1))

    def _actor_row(
        self, kind, name, short, slug, aliases, state_id, parent_id, description, region=""
    ):
        row = [kind, name, short, slug, aliases, state_id, parent_id, description]
        if self.tables.actor_has_region:
            row.append(region)
        return row

    def _write_state_members(self, state: StateInfo, budget: int) -> int:
        """The state's institutions, offices and people (`budget` actors); returns how many."""
        world = self.world
        rng = self.rng
        institutions = max(3, min(round((budget + 1) * INSTITUTION_SHARE), budget // 2))
        base = INSTITUTIONS[: min(len(INSTITUTIONS), institutions)]
        embassies = min(len(state.partners), max(0, (institutions - len(base)) // 2))
        monarchy = state.name.startswith(("Kingdom", "Principality"))
        written = 0

        def institution(key: str, name: str, short: str, parent: int | None, description=""):
            nonlocal written
            slug = world.unique_slug(slugify(f"{state.short} {key.replace('_', ' ')}"))
            actor_id = self.tables.actor.add(
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
            world.index(
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
            office_id = self.tables.office.add(title, institution_id, "")
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
            partner = world.states[partner_index]
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
        first_person = self.tables.actor.next_id
        holdings: list[tuple[int, OfficeInfo, int, int | None]] = []
        fresh = 0
        end: int | None  # a tenure's last day; None while it lasts
        for info, (shortest, longest) in tenures:
            day = world.start_ord - rng.randint(0, HOLDINGS_LEAD_YEARS * 365)
            while day <= world.until_ord:
                length = rng.randint(shortest * 365, longest * 365)
                end = day + length
                if fresh < people:
                    person = first_person + fresh
                    fresh += 1
                else:
                    person = first_person + rng.randrange(max(fresh, 1))
                info.starts.append(day)
                info.holders.append(person)
                holdings.append((person, info, day, end if end <= world.until_ord else None))
                day = end + (rng.randint(1, 40) if rng.random() < 0.3 else 0)
        # People left over are advisers and counsellors, in and out over the years.
        adviser_offices: list[OfficeInfo] = []
        for key in ("mfa", "mod", "leadership"):
            if key in state.institutions and fresh < people:
                office_id = self.tables.office.add("Senior Adviser", state.institutions[key], "")
                adviser_offices.append(
                    OfficeInfo(office_id, "Senior Adviser", state.institutions[key])
                )
        while fresh < people and adviser_offices:
            info = rng.choice(adviser_offices)
            start = rng.randint(world.start_ord - 3 * 365, world.until_ord - 30)
            end = start + rng.randint(365, 5 * 365)
            holdings.append(
                (first_person + fresh, info, start, end if end <= world.until_ord else None)
            )
            fresh += 1

        # People: names, then their rows (ids were counted from `first_person`).
        first_office: dict[int, tuple[str, int, int | None]] = {}
        for person, info, start, end in holdings:
            if person not in first_office:
                first_office[person] = (info.title, start, end)
        for offset in range(fresh):
            person_id = first_person + offset
            name, surname = world.person_name(state.phonology)
            aliases = f"{name[0]}. {surname}" if rng.random() < 0.2 else ""
            title, start, end = first_office.get(person_id, ("Official", world.start_ord, None))
            until_text = date.fromordinal(end).year if end else "present"
            description = f"{title}, {state.short} ({date.fromordinal(start).year}–{until_text})."
            slug = world.unique_slug(slugify(name))
            actor_id = self.tables.actor.add(
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
            world.people[actor_id] = Person(name, surname, aliases)
            names.append(world.people[actor_id])
            person_ids.append(actor_id)
            world.index(
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
            start_date = world.fuzzy(start, "holding")
            end_date = (
                world.fuzzy(end, "holding", after=start_date[1].toordinal())
                if end
                else (None, None, "")
            )
            holding_id = self.tables.holding.add(person, info.id, *start_date, *end_date)
            year = start_date[0].year
            source_id = self.appointments.get((state.index, year))
            if source_id is None:
                source_id = self._appointments_source(state, year)
            person_name = world.people[person].name
            world.cite(
                OfficeHolding,
                holding_id,
                source_id,
                f"{person_name} is appointed {info.title} ({world.human(start_date)}).",
            )
        return written

    def _appointments_source(self, state: StateInfo, year: int) -> int:
        """The official gazette's list of the year's appointments, which holdings cite."""
        world = self.world
        published = min(date(year, 12, 31), world.until)
        outlet = f"Official Gazette of {state.short}"
        title = world.unique_title(outlet, f"Appointments to public office, {year}", published)
        source_id = self.tables.source.add(
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
            world.moment(published.toordinal(), 0),
        )
        world.index(
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
