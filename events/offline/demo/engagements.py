"""Engagements through their lifecycle: calls, meetings, visits, summits, forums and dialogue
rounds, each proposed, scheduled, postponed, declined, cancelled or held in a path the lifecycle
allows, every step an `EngagementTransition` with its dates in order.

How an engagement ends follows the channel's status on its day: a frozen channel has more
declined and cancelled ones. Those planned after the end of the history are still open
(proposed, scheduled, postponed), expected after the report that announces them. Who takes
part is drawn from the offices each side holds on the day — principals by track and kind,
delegates, ambassadors, defence attachés — and the sides' own words describe a held one.
Engagements that fell through in the last five years are kept on the channel for the sticking
points to refer to.
"""

from datetime import date
from types import SimpleNamespace

from events.models import Characterisation, Engagement, EngagementTransition, Participation
from events.offline.demo.helpers import allocate
from events.offline.demo.sizes import FUTURE_DAYS
from events.offline.demo.vocabulary import (
    CALL_KINDS,
    CHARACTERISATIONS,
    DELEGATES,
    DIALOGUE_PRINCIPALS,
    DIALOGUES,
    HELD_ODDS,
    KIND_NOUNS,
    TRACK_NOUNS,
)
from events.offline.demo.world import ChannelInfo, StateInfo, World


class EngagementWriter:
    """Writes the engagements with their steps, participants and characterisations; keeps each
    channel's recent `troubled` engagements."""

    def __init__(self, world: World) -> None:
        self.world = world
        self.rng = world.rng
        self.tables = world.tables

    def write(self) -> None:
        world = self.world
        counts = allocate(world.sizes.engagements, [c.weight for c in world.channels], minimum=1)
        with world.progress.phase("engagements", world.sizes.engagements) as bar:
            for channel, count in zip(world.channels, counts, strict=True):
                self._write_channel_engagements(channel, count)
                bar.advance(count)

    def _write_channel_engagements(self, channel: ChannelInfo, count: int) -> None:
        world = self.world
        rng = self.rng
        until = world.until_ord
        planned_days = sorted(rng.randint(channel.start, until + FUTURE_DAYS) for _ in range(count))
        rounds = 0
        a, b = world.states[channel.a], world.states[channel.b]
        track = channel.track
        for planned in planned_days:
            kind = world.choose_kind[track](rng)
            status = world.status_at(channel, min(planned, until))
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
            path = world.choose_path[outcome](rng)
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
        world = self.world
        rng = self.rng
        until = world.until_ord
        a, b = world.states[channel.a], world.states[channel.b]
        track = channel.track
        final = path[-1]
        days, plan = self._step_days(planned, path, until)
        if final == "held":
            plan = days[-1]
        steps, when, source_id = self._dates(channel, path, days, plan)
        host, guest = (other, initiator) if kind in ("visit", "forum") else (initiator, other)
        people = self._cast(kind, track, initiator, other, host, guest, plan)
        principals = [
            world.people[actor].short
            for actor, _, role in people
            if role == "principal" and actor in world.people
        ]

        # What: title, place, purpose.
        title = self._engagement_title(
            kind, track, a, b, initiator, other, host, guest, principals, plan, rounds
        )
        location = (
            ""
            if kind in CALL_KINDS
            else (host.capital if rng.random() < 0.85 else f"{rng.choice(world.states).capital}")
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
        engagement_id = self.tables.engagement.add(
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
        world.index(
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
        when_text = world.human(when) if when[0] else "a date not set"
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
        world.cite(
            Engagement,
            engagement_id,
            source_id,
            passage,
            claim="date and venue" if final == "held" and rng.random() < 0.2 else "",
        )
        if rng.random() < 0.1:
            extra = world.source_near(channel, days[-1] + rng.randint(1, 30))
            if channel.source_ids[extra] != source_id:
                world.cite(Engagement, engagement_id, channel.source_ids[extra], passage)

        self._write_steps(channel, engagement_id, title, path, days, steps, initiator, other, topic)
        self._write_participants(engagement_id, people, final, initiator, other, source_id, noun)

        # Each side's own words for a held engagement.
        if final == "held":
            mood = {"open": "good", "limited": "good", "stalled": "mixed", "frozen": "bad"}[status]
            sides = [] if rng.random() < 0.45 else [a] if rng.random() < 0.7 else [a, b]
            for side in sides:
                words = rng.choice(CHARACTERISATIONS[mood if rng.random() < 0.8 else "mixed"])
                characterisation_id = self.tables.characterisation.add(
                    engagement_id, side.id, words, *[world.noon(days[-1])] * 2
                )
                world.cite(
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

    def _dates(self, channel: ChannelInfo, path: tuple[str, ...], days: list[int], plan: int):
        """The fuzzy date of each step, in order, each one's period before the next step
        begins; when the engagement is (or was) to take place; and the source that reports it."""
        world = self.world
        rng = self.rng
        until = world.until_ord
        final = path[-1]
        steps: list[tuple[date, date, str] | tuple[()]] = []
        previous_end: int | None = None
        for position, day in enumerate(days):
            if path[position] == "held":
                steps.append(())  # filled in below from `when`
                continue
            before = days[position + 1] if position + 1 < len(days) else until + 1
            step = world.fuzzy(day, "step", after=previous_end, before=before)
            steps.append(step)
            previous_end = step[1].toordinal()
        when: tuple[date | None, date | None, str]
        if final == "held":
            when = world.fuzzy(plan, "held", after=previous_end, before=until + 1)
            steps[-1] = when
        else:
            when = world.fuzzy(plan, "planned")
        main_source = world.source_near(channel, days[-1])
        source_id = channel.source_ids[main_source]
        if final in ("proposed", "scheduled", "postponed"):
            report_end = channel.source_ends[main_source]
            if when[0].toordinal() <= report_end:  # expected after the report that forecasts it
                when = world.fuzzy(report_end + rng.randint(7, 60), "planned", after=report_end)
            if rng.random() < 0.05:
                when = (None, None, "")
        return steps, when, source_id

    def _cast(self, kind, track, initiator, other, host, guest, plan):
        """Who takes part, as (actor id, side, role): each side's principal, delegates and
        attachés, by track and kind — whoever holds those offices on the day."""
        world = self.world
        rng = self.rng
        if kind == "dialogue_round":
            keys = DIALOGUE_PRINCIPALS[track]
        else:
            keys = world.choose_principals[track](rng)
        people: list[tuple[int, StateInfo, str]] = []
        seen: set[int] = set()

        def take(state: StateInfo, actor: int | None, role: str) -> None:
            if actor is not None and actor not in seen:
                seen.add(actor)
                people.append((actor, state, role))

        if kind == "forum":  # the guest attends the host's forum
            take(guest, world.holder(guest, keys, plan), "principal")
            take(host, state_id_or_none(host, "mfa" if track != "military" else "mod"), "host")
        else:
            take(initiator, world.holder(initiator, keys, plan), "principal")
            take(other, world.holder(other, keys, plan), "principal")
        if kind not in CALL_KINDS:
            for state in (guest, host) if kind != "forum" else (guest,):
                for _ in range(rng.choice((0, 0, 1, 1, 2))):
                    take(
                        state,
                        world.holder(state, (rng.choice(DELEGATES[track]),), plan),
                        "delegation",
                    )
                if rng.random() < 0.3:
                    partner = host if state is guest else guest
                    take(
                        state,
                        world.holder(state, (("ambassador", partner.index),), plan),
                        "delegation",
                    )
            if track in ("military", "multilateral") and kind in ("visit", "forum", "meeting"):
                take(guest, world.holder(guest, (("attache_body", host.index),), plan), "attache")
        return people

    def _write_steps(
        self, channel, engagement_id, title, path, days, steps, initiator, other, topic
    ):
        """The lifecycle, step by step, each step citing a source of its day."""
        world = self.world
        rng = self.rng
        a, b = world.states[channel.a], world.states[channel.b]
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
            step_id = self.tables.step.add(
                engagement_id,
                before,
                state,
                *step_date,
                notes[state],
                recorded := world.moment(step_date[1].toordinal()),
                recorded,
            )
            step_source = channel.source_ids[world.source_near(channel, day)]
            world.cite(
                EngagementTransition,
                step_id,
                step_source,
                f"{title}: {notes[state].rstrip('.').lower()} ({world.human(step_date)}).",
            )
            before = state

    def _write_participants(self, engagement_id, people, final, initiator, other, source_id, noun):
        """The participants, with their attendance as the outcome has it."""
        world = self.world
        rng = self.rng
        for actor, state, role in people:
            if final == "held" or final == "cancelled":
                attendance = "confirmed"
            elif final == "declined":
                attendance = "declined" if state is other else "confirmed"
            elif final == "proposed":
                attendance = "tentative" if state is initiator or role != "principal" else "sought"
            else:
                attendance = "confirmed" if rng.random() < 0.8 else "tentative"
            participation_id = self.tables.participation.add(
                engagement_id, actor, state.id, role, attendance
            )
            world.cite(
                Participation,
                participation_id,
                source_id,
                f"{self._actor_name(actor, state)} ({state.short}, {role}) "
                f"{'took part' if final == 'held' else 'is named'} in the {noun}.",
            )

    def _actor_name(self, actor: int, state: StateInfo) -> str:
        world = self.world
        person = world.people.get(actor)
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


def state_id_or_none(state: StateInfo, key: str) -> int | None:
    """The state's institution `key` (actor id), if it has one."""
    return state.institutions.get(key)
