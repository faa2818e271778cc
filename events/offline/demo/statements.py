"""Statements and how the sides read them. Officials of either side speak about the channel —
whoever holds the office the track calls for on the day, falling back on the foreign ministry
and the head of government — verbatim or paraphrased, in a stance drawn from the channel's
status that day (a frozen channel hears more hostile words). Some statements concern a sibling
channel of the same pair too; some are read by the other side, or by both, with an emphasis
(`Interpretation`). Recent hostile statements are kept on the channel: a sticking point may
rest on one.
"""

from datetime import date
from types import SimpleNamespace

from events.models import Interpretation, Statement
from events.offline.demo.helpers import allocate
from events.offline.demo.vocabulary import (
    GLOBAL_OUTLETS,
    KIND_NOUNS,
    LEADS,
    PARAPHRASES,
    QUOTES,
    READINGS,
    SPEAKER_FALLBACK,
    TRACK_NOUNS,
)
from events.offline.demo.world import ChannelInfo, StateInfo, World


class StatementWriter:
    """Writes the statements with their channel links, citations and interpretations; keeps
    each channel's recent `harsh` statements."""

    def __init__(self, world: World) -> None:
        self.world = world
        self.rng = world.rng
        self.tables = world.tables

    def write(self) -> None:
        world = self.world
        counts = allocate(world.sizes.statements, [c.weight for c in world.channels], minimum=1)
        with world.progress.phase("statements", world.sizes.statements) as bar:
            for channel, count in zip(world.channels, counts, strict=True):
                self._write_channel_statements(channel, count)
                bar.advance(count)

    def _write_channel_statements(self, channel: ChannelInfo, count: int) -> None:
        world = self.world
        rng = self.rng
        until = world.until_ord
        a, b = world.states[channel.a], world.states[channel.b]
        track = channel.track
        for _ in range(count):
            day = rng.randint(channel.start, until)
            status = world.status_at(channel, day)
            stance = world.choose_stance[status](rng)
            speaker_state, other = (a, b) if rng.random() < 0.5 else (b, a)
            office = world.choose_speaker[track](rng)
            keys = (("ambassador", other.index),) if office == "ambassador" else (office,)
            speaker = world.holder(speaker_state, (*keys, *SPEAKER_FALLBACK), day)
            if speaker is None:  # a state too small for any of those offices
                speaker = next(o.holders[0] for o in speaker_state.offices.values() if o.id)
            person = world.people[speaker]
            topic = rng.choice(channel.topics)
            fill = {
                "self": speaker_state.short,
                "other": other.short,
                "topic": topic,
                "track": TRACK_NOUNS[track],
                "kind": KIND_NOUNS[world.choose_kind[track](rng)],
            }
            verbatim = rng.random() < 0.78
            if verbatim:
                lead, quote = rng.choice(LEADS), rng.choice(QUOTES[stance])
                if lead and not quote.startswith("{"):  # "Let me be clear: our door…"
                    quote = quote[0].lower() + quote[1:]
                text = lead + quote.format(**fill)
            else:
                text = rng.choice(PARAPHRASES[stance]).format(**fill)
            said: tuple[date | None, date | None, str]
            if rng.random() < 0.03:
                said = (None, None, "")
            else:
                said = world.fuzzy(day, "said", before=until + 1)
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
            statement_id = self.tables.statement.add(
                speaker,
                text,
                verbatim,
                *said,
                venue,
                stance,
                toward,
                recorded := world.moment(day),
                recorded,
            )
            world.index(
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
            self.tables.statement_channel.add(statement_id, channel.id)
            if channel.siblings and rng.random() < 0.15:
                sibling = world.channels[rng.choice(channel.siblings)]
                self.tables.statement_channel.add(statement_id, sibling.id)
            source_id = channel.source_ids[world.source_near(channel, day)]
            if verbatim:
                passage = text if rng.random() < 0.4 else f"{person.name} said: “{text}”"
            else:
                passage = f"{person.name} ({speaker_state.short}): {text[0].lower()}{text[1:]}"
            world.cite(Statement, statement_id, source_id, passage, verbatim=verbatim)
            if rng.random() < 0.08:
                second = channel.source_ids[world.source_near(channel, day + rng.randint(1, 20))]
                if second != source_id:
                    world.cite(Statement, statement_id, second, passage, verbatim=verbatim)

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
                interpretation_id = self.tables.interpretation.add(
                    statement_id, side.id, emphasis, reading
                )
                world.cite(Interpretation, interpretation_id, source_id, reading)

            if stance == "hostile" and day > until - 6 * 365:
                channel.harsh.append((statement_id, day, speaker, topic))
                if len(channel.harsh) > 8:
                    channel.harsh.pop(rng.randrange(len(channel.harsh)))
