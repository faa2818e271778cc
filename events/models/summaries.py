"""The board's read model: for each channel, what its row on the board says today, and how many
records it had on each day (its activity).

These rows are derived, never edited: `events.summaries` computes them from the records with the
same reads the as-of board uses (`events.selectors.with_board_summary`), and writes them in the
same transaction as every change to those records. The board filters, groups, counts and sorts
a thousand channels through these columns instead of evaluating subqueries per channel;
`manage.py rebuild_summaries` recomputes them and reports any that differed.

Their foreign keys do nothing on delete (the database still checks them, at commit): a deleted
status change or engagement is replaced in the summary by the refresh its deletion triggers,
and a deleted channel's rows are removed after the channel's own (`events.summaries`), once
its records' deletions have stopped refreshing it.
"""

from django.db import models

from events.fields import choice_constraint
from events.vocabularies import ChannelStatus, Confidence, Trend


class ChannelSummary(models.Model):
    """One channel's row on today's board."""

    channel = models.OneToOneField(
        "events.Channel",
        on_delete=models.DO_NOTHING,
        primary_key=True,
        related_name="board_summary",
        help_text="The channel summarised.",
    )
    status_change = models.ForeignKey(
        "events.StatusChange",
        on_delete=models.DO_NOTHING,
        null=True,
        blank=True,
        related_name="+",
        help_text="The status change in force (the board's newest), if any.",
    )
    status = models.CharField(
        max_length=16, blank=True, choices=ChannelStatus.choices, help_text="Status in force."
    )
    status_rank = models.PositiveSmallIntegerField(
        help_text="The board's order of statuses: frozen first, no status last."
    )
    since = models.DateField(
        null=True, blank=True, help_text="Earliest possible day of the status in force."
    )
    trend = models.CharField(max_length=16, blank=True, choices=Trend.choices)
    confidence = models.CharField(max_length=8, blank=True, choices=Confidence.choices)
    reviewed_at = models.DateTimeField(
        null=True, blank=True, help_text="When the status in force was last edited."
    )
    last_contact = models.ForeignKey(
        "events.Engagement",
        on_delete=models.DO_NOTHING,
        null=True,
        blank=True,
        related_name="+",
        help_text="The last engagement held.",
    )
    last_contact_on = models.DateField(
        null=True, blank=True, help_text="Earliest possible day of the last contact."
    )
    next_engagement = models.ForeignKey(
        "events.Engagement",
        on_delete=models.DO_NOTHING,
        null=True,
        blank=True,
        related_name="+",
        help_text="The soonest engagement proposed, scheduled or postponed.",
    )
    next_on = models.DateField(
        null=True, blank=True, help_text="Earliest possible day of the next engagement."
    )
    open_sticking_points = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name_plural = "channel summaries"
        indexes = [
            models.Index(fields=["status_rank"], name="events_summary_status_rank"),
            models.Index(fields=["since"], name="events_summary_since"),
            models.Index(fields=["last_contact_on"], name="events_summary_last_contact"),
            models.Index(fields=["next_on"], name="events_summary_next"),
            models.Index(fields=["reviewed_at"], name="events_summary_reviewed"),
        ]
        constraints = [
            choice_constraint("status", ChannelStatus, blank=True),
            choice_constraint("trend", Trend, blank=True),
            choice_constraint("confidence", Confidence, blank=True),
        ]

    def __str__(self) -> str:
        return f"Board row of channel {self.channel_id}"


class ChannelActivity(models.Model):
    """How many records a channel had on one day: status changes and engagement steps by their
    earliest possible day, statements by the earliest possible day they were made. The board's
    sparklines and its activity sort add these up over a window."""

    channel = models.ForeignKey(
        "events.Channel", on_delete=models.DO_NOTHING, related_name="activity_days"
    )
    day = models.DateField()
    records = models.PositiveIntegerField()

    class Meta:
        verbose_name_plural = "channel activity"
        constraints = [
            models.UniqueConstraint(
                fields=["channel", "day"], name="events_channel_activity_one_per_day"
            ),
            models.CheckConstraint(
                condition=models.Q(records__gt=0), name="events_channel_activity_some_records"
            ),
        ]

    def __str__(self) -> str:
        return f"Channel {self.channel_id}: {self.records} on {self.day}"
