"""What the app keeps for each analyst, apart from the curated records: the channels they follow,
when they last looked at the board, and the secret address of their private Atom feed.

These rows are personal reading state, not facts: saving them changes no shared page (they are
left out of the page cache's data version, `events.caching`), editors do not curate them (no
role grants them, `events.roles.NOT_CURATED`), and the archive leaves them out like API tokens
(`events.offline.archive`): a restore keeps the accounts, and analysts star channels again.
"""

import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q


class FollowQuerySet(models.QuerySet):
    def channel_ids_of(self, user) -> list[int]:
        """The ids of the channels `user` follows, in id order (one query; none for nobody)."""
        if user is None or not user.is_authenticated:
            return []
        return list(
            self.filter(user=user).order_by("channel_id").values_list("channel_id", flat=True)
        )


class Follow(models.Model):
    """An analyst follows (stars) a channel: it shows in their “My channels” and private feed."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="follows",
        help_text="The analyst who follows the channel.",
    )
    channel = models.ForeignKey(
        "events.Channel",
        on_delete=models.CASCADE,
        related_name="follows",
        help_text="The channel followed.",
    )
    created_at = models.DateTimeField(auto_now_add=True, help_text="When the star was set.")

    objects = FollowQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["user", "channel"], name="events_follow_one_per_user_and_channel"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} follows channel {self.channel_id}"


class BoardVisit(models.Model):
    """When an analyst last looked at the board, and since when their “what changed” strip
    counts (see `events.services.board_visit_record` for how a visit moves the baseline)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="board_visit",
        help_text="The analyst.",
    )
    seen_at = models.DateTimeField(help_text="The analyst's latest view of the board.")
    baseline_at = models.DateTimeField(
        null=True,
        blank=True,
        help_text=(
            "The end of the analyst's previous visit: the board lists what was recorded since. "
            "Empty until a second visit (the board then lists the last seven days)."
        ),
    )

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(baseline_at__isnull=True) | Q(baseline_at__lte=models.F("seen_at")),
                name="events_boardvisit_baseline_not_after_seen",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} saw the board at {self.seen_at:%Y-%m-%d %H:%M}"


def new_feed_key() -> str:
    """A fresh secret for a feed address: 256 random bits, URL-safe."""
    return secrets.token_urlsafe(32)


class FeedToken(models.Model):
    """The secret in an analyst's private feed address. Whoever holds the address reads the feed
    of the analyst's followed channels, read-only, without signing in (as a feed reader does).

    The key is kept as it is, not hashed: the analyst must be able to see and copy their address
    again (into a second reader) — as calendar apps show their secret addresses. It grants no
    more than reading what the analyst may already read; regenerating or revoking it (deleting
    the row) makes the old address answer 404 at once."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="feed_token",
        help_text="The analyst whose followed channels the feed lists.",
    )
    key = models.CharField(
        max_length=64,
        unique=True,
        default=new_feed_key,
        help_text="The secret part of the feed address (random, URL-safe).",
    )
    created_at = models.DateTimeField(auto_now_add=True, help_text="When this address was made.")

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(key__regex=r"^[A-Za-z0-9_-]{32,64}$"),
                name="events_feedtoken_key_is_random_text",
            ),
        ]

    def __str__(self) -> str:
        return f"feed address of {self.user}"
