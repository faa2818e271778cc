"""The README's API example runs as written against a live server."""

import os
import re
import subprocess
import sys
from datetime import date, timedelta
from pathlib import Path

from rest_framework.authtoken.models import Token

from events.models import Channel, StatusChange

README = Path(__file__).resolve().parent.parent / "README.md"


def readme_example() -> str:
    """The first Python code block of the README's "Read API" section."""
    text = README.read_text(encoding="utf-8")
    section = text.split("\n## Read API\n", 1)[1].split("\n## ", 1)[0]
    match = re.search(r"```python\n(.*?)```", section, re.DOTALL)
    assert match, "no Python example in the README's Read API section"
    return match.group(1)


def test_readme_documents_the_token_step():
    text = README.read_text(encoding="utf-8")
    section = text.split("\n## Read API\n", 1)[1].split("\n## ", 1)[0]
    assert "DEBUG=1 .venv/bin/python manage.py drf_create_token editor" in section
    assert "make run" in section


def test_readme_example_pulls_the_status_history(live_server, seeded_committed, editor, tmp_path):
    # More than one page of history, so the example has to follow `next`.
    channel = Channel.objects.get(slug="us-china-military")
    StatusChange.objects.bulk_create(
        StatusChange(
            channel=channel,
            status="limited",
            date_earliest=date(2024, 1, 1) + timedelta(days=i),
            date_latest=date(2024, 1, 1) + timedelta(days=i),
            date_precision="day",
            shown_from=date(2024, 1, 1) + timedelta(days=i),  # exact days: each its own
            explanation=f"Earlier change {i}.",
        )
        for i in range(30)
    )
    script = tmp_path / "status_history.py"
    script.write_text(readme_example(), encoding="utf-8")
    token = Token.objects.create(user=editor)
    env = {
        **os.environ,
        "DM_API": f"{live_server.url}/api",
        "DM_TOKEN": token.key,
        "NO_PROXY": "*",
    }
    result = subprocess.run(
        [sys.executable, str(script)], env=env, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    lines = [line for line in result.stdout.splitlines() if not line.startswith(" ")]
    assert lines[0] == "3–16 September 2025: stalled (medium confidence)"
    assert len(lines) == 31  # the seed's change and the 30 added: two pages
    assert lines[-1] == "1 January 2024: limited (medium confidence)"
    assert "  source: Online news report (outlet not recorded): The Pentagon proposed" in (
        result.stdout
    )
