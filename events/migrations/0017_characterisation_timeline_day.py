from django.db import migrations, models


def create_index(apps, schema_editor):
    # The timeline's order, as for the other kinds (0016): PostgreSQL needs NULLS LAST said.
    nulls_last = " NULLS LAST" if schema_editor.connection.vendor == "postgresql" else ""
    schema_editor.execute(
        'CREATE INDEX "events_characterisation_timeline" ON "events_characterisation" '
        f'("timeline_day" DESC{nulls_last}, "recorded_at" DESC, "id" DESC)'
    )


def drop_index(apps, schema_editor):
    schema_editor.execute('DROP INDEX "events_characterisation_timeline"')


def fill_timeline_days(apps, schema_editor):
    """Store the timeline's day of the characterisations already there, with the app's own
    definition of it (`events.summaries.timeline_day`); a new database has none."""
    alias = schema_editor.connection.alias
    if apps.get_model("events", "Characterisation").objects.using(alias).exists():
        from events import summaries
        from events.models import Characterisation

        summaries.refresh_timeline_days(Characterisation, using=alias)


class Migration(migrations.Migration):
    dependencies = [
        ("events", "0016_timeline_stream_days"),
    ]

    operations = [
        migrations.AddField(
            model_name="characterisation",
            name="timeline_day",
            field=models.DateField(
                blank=True,
                editable=False,
                help_text="The day the timeline puts it on: the earliest day of the engagement, "
                "else the day it was recorded (kept by events.summaries).",
                null=True,
            ),
        ),
        migrations.RunPython(create_index, drop_index),
        migrations.RunPython(fill_timeline_days, migrations.RunPython.noop),
    ]
