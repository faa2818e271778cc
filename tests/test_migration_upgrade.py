"""A database that holds records migrates forward from before the board's read model: every
data step of the later migrations runs on the columns that exist at its point, and the read
model it fills equals what the records say."""

from django.core.management import call_command

from events import summaries
from events.models import ChannelSummary, Characterisation, Statement

# The last migration before the read model (0014 fills it from the records).
BEFORE_READ_MODEL = "0013"


def test_a_database_with_records_migrates_forward_from_before_the_read_model(seeded_committed):
    call_command("migrate", "events", BEFORE_READ_MODEL, verbosity=0)
    call_command("migrate", "events", verbosity=0)

    assert ChannelSummary.objects.count() > 0
    assert not Statement.objects.filter(timeline_day__isnull=True).exists()
    assert not Characterisation.objects.filter(timeline_day__isnull=True).exists()
    assert summaries.differences() == []
