"""`manage.py intake_eval`: scores intake against reports with gold files, and leaves the
database as it was."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from events.models import Actor

REPORT = """Defence chiefs speak again

WASHINGTON, 10 September 2025 — Pete Hegseth spoke with Dong Jun on 9 September.
"We want the line open," Hegseth said. Officials called it a "so-called reset".
"""

GOLD = """
outlet = "Test Wire"
title = "Defence chiefs speak again"
published = "2025-09-10"
style = "wire"
known_actors = ["pete-hegseth", "dong-jun"]
channels = ["us-china-military"]

[[quotes]]
quote = "We want the line open,"
speaker = "pete-hegseth"

[[quotes]]
quote = "so-called reset"
speaker = ""

[[dates]]
text = "on 9 September"
earliest = "2025-09-09"
latest = "2025-09-09"

[[new_people]]
name = "Lin Jian"
title = "spokesperson"
institution = "china-ministry-of-foreign-affairs"
"""


def evaluate(corpus, *extra) -> str:
    out = StringIO()
    call_command("intake_eval", "--corpus", str(corpus), *extra, stdout=out)
    return out.getvalue()


def row(output: str, category: str) -> list[str]:
    line = next(line for line in output.splitlines() if line.startswith(category))
    return line[len(category) :].split()


@pytest.mark.django_db
def test_scores_each_category_against_the_gold_and_rolls_the_seed_back(tmp_path):
    (tmp_path / "01-call.txt").write_text(REPORT, encoding="utf-8")
    (tmp_path / "01-call.gold.toml").write_text(GOLD, encoding="utf-8")
    output = evaluate(tmp_path, "--verbose")
    assert "1 reports in" in output
    # One quotation someone said, found with its speaker; the scare quote is nobody's words.
    assert row(output, "quotes")[:3] == ["1", "1", "1"]
    assert row(output, "speakers")[:5] == ["1", "1", "1", "100.0", "%"]
    assert row(output, "dates")[0] == "1" and row(output, "dates")[2] == "1"
    assert row(output, "known actors")[:3] == ["2", "2", "2"]
    assert row(output, "new people")[:3] == ["1", "0", "0"]
    assert "new people, missed (1):\n  01-call: Lin Jian" in output
    assert not Actor.objects.exists()  # the seed was loaded and rolled back


@pytest.mark.django_db
def test_an_empty_corpus_is_refused(tmp_path):
    with pytest.raises(CommandError, match="No reports with gold files"):
        evaluate(tmp_path)
