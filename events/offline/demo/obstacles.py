"""What stands in the way of contact: counterpart claims and sticking points.

A counterpart claim is one side's view of which official of the other side is the equal of one
of its own (the seed's US–China military channel: whom the Secretary of Defense should talk
to). When the two sides' claims differ, the dispute becomes a sticking point of its own.

A channel has more sticking points the worse its status: sanctions, incidents, disputes over
its topics, remarks (resting on a recent hostile statement) and counterpart disputes. Some are
resolved; open ones may block the channel's recently troubled engagements.
"""

from datetime import date

from events.models import CounterpartClaim, StickingPoint
from events.offline.demo.world import ChannelInfo, World

# Counterpart questions by track: the office asked about, and the other side's alternative.
COUNTERPART_OFFICES = {
    "military": ("dm", "chief"),
    "diplomatic": ("fm", "deputy_fm"),
    "leaders": ("leader", "fm"),
}


class ObstacleWriter:
    """Writes counterpart claims and sticking points, channel by channel, from what the earlier
    writers kept on each channel (`troubled` engagements, `harsh` statements)."""

    def __init__(self, world: World) -> None:
        self.world = world
        self.rng = world.rng
        self.tables = world.tables

    def write(self) -> None:
        world = self.world
        # The busiest channel where the question can arise has a disputed counterpart, as the
        # seed's US–China military channel does; elsewhere it is a matter of chance.
        candidates = [c for c in world.channels if self._counterpart_offices(c)]
        disputed = max(candidates, key=lambda c: (c.weight, -c.index), default=None)
        with world.progress.phase("sticking points", len(world.channels)) as bar:
            for channel in world.channels:
                claims = self._write_counterpart_claims(channel, force=channel is disputed)
                self._write_sticking_points(channel, claims)
                bar.advance()

    def _counterpart_offices(self, channel: ChannelInfo):
        """(office in question, the other side's equal, its alternative, the alternative's key)
        when both states have them."""
        world = self.world
        keys = COUNTERPART_OFFICES.get(channel.track)
        if keys is None:
            return None
        own, alternative = keys
        a, b = world.states[channel.a], world.states[channel.b]
        offices = (a.offices.get(own), b.offices.get(own), b.offices.get(alternative))
        return (*offices, alternative) if all(offices) else None

    def _write_counterpart_claims(self, channel: ChannelInfo, force: bool = False) -> list[int]:
        world = self.world
        rng = self.rng
        odds = {"military": 0.3, "diplomatic": 0.08, "leaders": 0.05}.get(channel.track, 0.0)
        if rng.random() >= odds and not force:
            return []
        offices = self._counterpart_offices(channel)
        if offices is None:
            return []
        a, b = world.states[channel.a], world.states[channel.b]
        asked, counterpart_own, counterpart_alt, alternative = offices
        disputed = force or rng.random() < 0.7
        claims = []
        source_id = channel.source_ids[world.source_near(channel, world.until_ord - 400)]
        for claimant, office, person in (
            (b, counterpart_own, None),
            (
                a,
                counterpart_alt if disputed else counterpart_own,
                world.holder(b, (alternative,), world.until_ord) if disputed else None,
            ),
        ):
            rationale = (
                f"{claimant.short} sees the {office.title} of {b.short} as the natural "
                f"equivalent of the {asked.title} of {a.short}."
                if person is None
                else f"{claimant.short} sees the {office.title} of {b.short} as holding real "
                f"authority over the armed forces and foreign policy of {b.short}."
            )
            claim_id = self.tables.claim.add(
                channel.id,
                asked.id,
                claimant.id,
                office.id,
                person,
                rationale,
                *[world.noon(world.until_ord - 400)] * 2,
            )
            world.cite(CounterpartClaim, claim_id, source_id, rationale)
            claims.append(claim_id)
        return claims if disputed else []

    def _write_sticking_points(self, channel: ChannelInfo, claims: list[int]) -> None:
        world = self.world
        rng = self.rng
        until = world.until_ord
        a, b = world.states[channel.a], world.states[channel.b]
        status = channel.status_values[-1] if channel.status_values else "open"
        count = rng.choice(
            {"open": (0, 1, 1, 2), "limited": (1, 2, 3), "stalled": (2, 3, 4), "frozen": (3, 4, 5)}[
                status
            ]
        )
        titles: set[str] = set()
        plans: list[tuple[str, str, str, list[int], list[int]]] = []
        if claims:
            holder = world.holder(a, ("dm", "fm", "leader"), until)
            name = world.people[holder].short if holder in world.people else a.short
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
            name = world.people[speaker].short
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
            raised = world.fuzzy(raised_day, "raised", before=until + 1)
            resolved_ok = rng.random() < 0.4 and raised[1].toordinal() < until - 60
            resolved: tuple[date | None, date | None, str]
            if resolved_ok:
                resolved_day = rng.randint(raised[1].toordinal() + 30, until)
                resolved = world.fuzzy(
                    resolved_day, "raised", after=raised[1].toordinal(), before=until + 1
                )
                state = "resolved"
            else:
                resolved = (None, None, "")
                state = "open"
            point_id = self.tables.point.add(
                channel.id,
                title,
                kind,
                state,
                description,
                *raised,
                *resolved,
                world.noon(raised[1].toordinal()),
                world.noon((resolved[1] or raised[1]).toordinal()),
            )
            source_id = channel.source_ids[world.source_near(channel, raised[1].toordinal())]
            world.cite(StickingPoint, point_id, source_id, description)
            for statement_id in statements:
                self.tables.point_statement.add(point_id, statement_id)
            for claim_id in claim_ids:
                self.tables.point_claim.add(point_id, claim_id)
            blocked = [e for e, day in channel.troubled if day >= raised[0].toordinal()]
            for engagement_id in blocked[: rng.randint(0, 2)]:
                self.tables.point_engagement.add(point_id, engagement_id)
