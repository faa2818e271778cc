"""Records the application keeps for itself: the search index and the data version pages are
cached under.
"""

from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Q


class SearchEntry(models.Model):
    """The searchable text of one record (statement, engagement, source, actor), kept in step
    with the record by `events.search`. PostgreSQL searches it through a GIN full-text index,
    SQLite through an FTS5 table; both behind `events.search.search()`."""

    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE)
    object_id = models.PositiveBigIntegerField()
    record = GenericForeignKey("content_type", "object_id")
    title = models.CharField(max_length=400, help_text="How the hit is named in results.")
    body = models.TextField(help_text="All searchable text of the record, one string.")

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["content_type", "object_id"], name="events_searchentry_one_per_record"
            ),
        ]

    def __str__(self) -> str:
        return self.title


class DataVersion(models.Model):
    """One row whose number changes after every committed change to the records (see
    `events.caching`). Cached pages are keyed by it, so no page outlives the data it shows;
    kept in the database so every app server, whatever its cache, sees the same number."""

    version = models.BigIntegerField(default=1)

    class Meta:
        constraints = [
            models.CheckConstraint(condition=Q(id=1), name="events_dataversion_single_row"),
        ]

    def __str__(self) -> str:
        return f"data version {self.version}"
