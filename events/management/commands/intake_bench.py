"""`manage.py intake_bench`: how long intake takes to read a long report.

Builds reports of several sizes (up to `--kb`, 200 by default) from the evaluation corpus's
articles, one after another, and times `analyse` on each (the best of `--repeat` runs, after a
warm-up), with the seed loaded and rolled back as `intake_eval` does. Prints seconds per size
and per 100 KB, so the growth with length shows: linear reading keeps the last column flat.
"""

import time
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from events.intake import analyse
from events.intake.evaluation import load_corpus, seeded_for_evaluation


class Command(BaseCommand):
    help = "Time article intake on long reports (200 KB by default)."

    def add_arguments(self, parser):
        parser.add_argument("--kb", type=int, default=200, help="Largest report, in KB.")
        parser.add_argument("--repeat", type=int, default=3, help="Runs per size (best kept).")
        parser.add_argument(
            "--corpus",
            default=str(settings.BASE_DIR / "tests" / "articles" / "intake"),
            help="Where the articles come from (default: tests/articles/intake).",
        )

    def handle(self, *args, kb: int, repeat: int, corpus: str, **options):
        reports = load_corpus(Path(corpus))
        if not reports or kb < 1 or repeat < 1:
            raise CommandError("Need a corpus of reports, --kb ≥ 1 and --repeat ≥ 1.")
        published = max(r.published for r in reports)
        pieces = [r.text for r in reports]
        sizes = sorted({max(1, kb // 4), max(1, kb // 2), kb})
        with seeded_for_evaluation(Path(corpus) / "known"):
            analyse(pieces[0], published=published)  # warm-up: imports, compiled patterns
            self.stdout.write(f"{'size':>8}{'suggestions':>13}{'seconds':>10}{'s per 100 KB':>14}")
            for size in sizes:
                text = _report_of(pieces, size * 1024)
                best, found = float("inf"), 0
                for _ in range(repeat):
                    started = time.perf_counter()
                    found = len(analyse(text, published=published))
                    best = min(best, time.perf_counter() - started)
                actual = len(text.encode()) / 1024
                self.stdout.write(
                    f"{actual:>5.0f} KB{found:>13}{best:>10.2f}{best / actual * 100:>14.2f}"
                )


def _report_of(pieces: list[str], size: int) -> str:
    """Articles one after another, as one report of about `size` bytes of UTF-8."""
    parts, total, index = [], 0, 0
    while total < size:
        piece = pieces[index % len(pieces)]
        parts.append(piece)
        total += len(piece.encode()) + 2
        index += 1
    return "\n\n".join(parts)
