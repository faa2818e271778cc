"""`manage.py intake_eval`: how well intake reads a corpus of reports with gold files.

Loads the seed (seeds/) and the corpus's own seed files (`known/`, or the `--known` folders:
the other states and channels its reports are about) inside a transaction, runs intake on every
report, prints recall and precision per category (events.intake.evaluation says what counts as
agreeing), and rolls the transaction back: the database is left as it was. Run it on a database
that holds no more than the seed for figures comparable with docs/intake.md.
"""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from events.intake import analyse
from events.intake.evaluation import (
    CATEGORIES,
    load_corpus,
    score_report,
    seeded_for_evaluation,
    total,
)
from events.models import Actor, Channel, CounterpartClaim, Engagement, StickingPoint
from events.offline.seeding import SeedError


def _percent(value: float | None) -> str:
    return "—" if value is None else f"{100 * value:5.1f} %"


class Command(BaseCommand):
    help = "Recall and precision of article intake over a corpus of reports with gold files."

    def add_arguments(self, parser):
        parser.add_argument(
            "--corpus",
            default=str(settings.BASE_DIR / "tests" / "articles" / "intake"),
            help="Folder of NN-name.txt reports with NN-name.gold.toml gold files "
            "(default: tests/articles/intake).",
        )
        parser.add_argument(
            "--known",
            action="append",
            default=[],
            help="Folder of extra seed files the reports need (default: the corpus's known/; "
            "may be given more than once).",
        )
        parser.add_argument(
            "--report", action="append", default=[], help="Only this report (name without .txt)."
        )
        parser.add_argument(
            "--verbose", action="store_true", help="List what was missed and what was wrong."
        )

    def handle(
        self, *args, corpus: str, known: list[str], report: list[str], verbose: bool, **options
    ):
        directory = Path(corpus)
        reports = [r for r in load_corpus(directory) if not report or r.name in report]
        if not reports:
            raise CommandError(f"No reports with gold files in {directory}.")
        try:
            folders = [Path(k) for k in known] or [directory / "known"]
            with seeded_for_evaluation(*folders):
                slugs = {
                    "actor": dict(Actor.objects.values_list("pk", "slug")),
                    "actor_kind": dict(Actor.objects.values_list("pk", "kind")),
                    "channel": dict(Channel.objects.values_list("pk", "slug")),
                    "engagement": dict(Engagement.objects.values_list("pk", "title")),
                    "sticking_point": dict(StickingPoint.objects.values_list("pk", "title")),
                    "claim": dict(CounterpartClaim.objects.values_list("pk", "rationale")),
                }
                per_report = [
                    score_report(r, analyse(r.text, published=r.published), slugs) for r in reports
                ]
        except SeedError as error:
            raise CommandError(f"The seed did not load: {error}") from error
        scores = total(per_report)
        self.stdout.write(f"{len(reports)} reports in {directory}")
        self.stdout.write(
            f"{'category':<14}{'gold':>6}{'suggested':>11}{'agreed':>8}"
            f"{'recall':>10}{'precision':>11}"
        )
        for category in CATEGORIES:
            score = scores[category]
            self.stdout.write(
                f"{category:<14}{score.gold:>6}{score.suggested:>11}{score.agreed_gold:>8}"
                f"{_percent(score.recall):>10}{_percent(score.precision):>11}"
            )
        if verbose:
            for category in CATEGORIES:
                score = scores[category]
                for title, items in (("missed", score.misses), ("wrong", score.wrong)):
                    if items:
                        self.stdout.write(f"\n{category}, {title} ({len(items)}):")
                        for item in items:
                            self.stdout.write(f"  {item}")
