"""`manage.py generate_demo_data --scale small|large [--seed N]`: build a made-up world of channels,
engagements, statements and sources for demos and benchmarks (see `events.offline.demo`)."""

import argparse
import time
from datetime import date

from django.core.management.base import BaseCommand, CommandError
from django.db import DEFAULT_DB_ALIAS, connections, models

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
    SearchEntry,
    Source,
    Statement,
    StatusChange,
    StickingPoint,
)
from events.offline import demo
from events.offline.progress import Progress

SUMMARY: tuple[tuple[str, type[models.Model], dict[str, str]], ...] = (
    ("States", Actor, {"kind": "state"}),
    ("Institutions", Actor, {"kind": "institution"}),
    ("People", Actor, {"kind": "person"}),
    ("Offices", Office, {}),
    ("Office holdings", OfficeHolding, {}),
    ("Channels", Channel, {}),
    ("Status changes", StatusChange, {}),
    ("Engagements", Engagement, {}),
    ("Lifecycle steps", EngagementTransition, {}),
    ("Participations", Participation, {}),
    ("Characterisations", Characterisation, {}),
    ("Statements", Statement, {}),
    ("Statement–channel links", Statement.channels.through, {}),
    ("Interpretations", Interpretation, {}),
    ("Counterpart claims", CounterpartClaim, {}),
    ("Sticking points", StickingPoint, {}),
    ("Sources", Source, {}),
    ("Citations", Citation, {}),
    ("Search entries", SearchEntry, {}),
)


def positive_factor(value: str) -> float:
    try:
        factor = float(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{value!r} is not a number.") from None
    if not 0 < factor <= 10:
        raise argparse.ArgumentTypeError("Give a factor above 0 and at most 10.")
    return factor


class Command(BaseCommand):
    help = (
        "Fill the database with deterministic, made-up demo data: 'small' (20 states, 100 "
        "channels, 10,000 engagements, 30,000 statements, 10,000 sources) or 'large' (ten "
        "times that). Refuses a database that already holds records unless --append or --flush."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--scale",
            choices=sorted(demo.SCALES),
            help="How much to build: small or large.",
        )
        # For tests and experiments: any fraction of `large` (0.1 is small). Not advertised.
        parser.add_argument("--factor", type=positive_factor, help=argparse.SUPPRESS)
        parser.add_argument(
            "--seed",
            type=int,
            default=1,
            help="Random seed; the same seed always builds the same data (default 1).",
        )
        parser.add_argument(
            "--until",
            type=date.fromisoformat,
            default=demo.DEFAULT_UNTIL,
            help="Last day of the ten-year history, YYYY-MM-DD "
            f"(default {demo.DEFAULT_UNTIL.isoformat()}, fixed so a seed always gives the "
            "same data).",
        )
        mode = parser.add_mutually_exclusive_group()
        mode.add_argument(
            "--append",
            action="store_true",
            help="Add the demo data next to the records already in the database.",
        )
        mode.add_argument(
            "--flush",
            action="store_true",
            help="First delete EVERY record of the app (curated ones too) and their edit "
            "history. Cannot be undone.",
        )
        parser.add_argument(
            "--database",
            default=DEFAULT_DB_ALIAS,
            help="Database alias to fill (default: 'default').",
        )

    def handle(self, *args, **options):
        if (options["scale"] is None) == (options["factor"] is None):
            raise CommandError("Give --scale small or --scale large.")
        factor = options["factor"] or demo.SCALES[options["scale"]]
        sizes = demo.sizes_for(factor)
        using = options["database"]
        if not options["append"] and not options["flush"]:
            existing = demo.existing_records(using)
            if existing:
                held = ", ".join(f"{count:,} {name}" for name, count in existing.items())
                raise CommandError(
                    f"The database already holds records ({held}); nothing was changed. Add "
                    "--append to build the demo data next to them, or --flush to delete every "
                    "record first (curated ones too; this cannot be undone)."
                )

        verbosity = options["verbosity"]
        progress = Progress(self.stderr, enabled=verbosity >= 1)
        vendor = connections[using].vendor
        if verbosity >= 1:
            self.stdout.write(
                f"Building demo data at {options['scale'] or f'factor {factor:g}'} "
                f"(seed {options['seed']}, history to {options['until']:%d %B %Y}) "
                f"on {vendor}…"
            )
        started = time.monotonic()
        demo.generate(
            sizes,
            seed=options["seed"],
            until=options["until"],
            using=using,
            flush=options["flush"],
            progress=progress,
        )
        elapsed = time.monotonic() - started
        if verbosity >= 1:
            self.stdout.write(self.summary(using))
            self.stdout.write(self.style.SUCCESS(f"Done in {elapsed:.1f} s."))

    def summary(self, using: str) -> str:
        rows = [
            (label, model._base_manager.using(using).filter(**lookup).count())
            for label, model, lookup in SUMMARY
        ]
        width = max(len(label) for label, _ in rows)
        lines = [f"{'Records':<{width}}  {'rows':>10}", f"{'-' * width}  {'-' * 10}"]
        lines += [f"{label:<{width}}  {count:>10,}" for label, count in rows]
        return "\n".join(lines)
