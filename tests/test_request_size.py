"""Any size: a source whose pasted text runs to megabytes opens, is edited and saved in the admin
(its form carries a 64-character version, not a copy of the record), and a request over the limit
(MAX_REQUEST_MB) gets a page saying how large a request may be, with status 413."""

from django.conf import settings
from django.test import override_settings
from django.utils.html import escape

from events.forms import record_version
from events.models import Source
from tests.test_admin import change_url, rendered_form

PARAGRAPH = "The Pentagon proposed a call with China's military leadership. " * 16 + "\n\n"
THREE_MB = 3 * 1024 * 1024


def long_text() -> str:
    return (PARAGRAPH * (THREE_MB // len(PARAGRAPH) + 1))[:THREE_MB]


def test_a_source_with_a_3_mb_text_is_edited_and_saved(seeded, editor_client):
    source = Source.objects.order_by("pk").first()
    Source.objects.filter(pk=source.pk).update(text=long_text())
    source.refresh_from_db()
    url = change_url(source)

    form = rendered_form(editor_client, url)
    # The form's edit check is a short version token, whatever the text's length.
    assert form["edit_snapshot"] == [record_version(source)]
    assert len(form["text"][0]) == THREE_MB
    edited = form["text"][0] + "\n\nA correction appended by an editor."
    response = editor_client.post(url, {**form, "text": [edited], "notes": ["Text checked."]})

    assert response.status_code == 302, response.content.decode()[:2000]
    source.refresh_from_db()
    assert source.text == edited
    assert source.notes == "Text checked."


def test_the_request_limit_defaults_to_10_mb():
    assert settings.DATA_UPLOAD_MAX_MEMORY_SIZE == 10 * 1024 * 1024


@override_settings(DATA_UPLOAD_MAX_MEMORY_SIZE=1024 * 1024)
def test_a_request_over_the_limit_gets_a_413_page_saying_how_large_it_may_be(seeded, editor_client):
    source = Source.objects.order_by("pk").first()
    url = change_url(source)
    form = rendered_form(editor_client, url)
    before = Source.objects.values().get(pk=source.pk)

    response = editor_client.post(url, {**form, "text": ["x" * (2 * 1024 * 1024)]})

    assert response.status_code == 413
    page = response.content.decode()
    assert "Request too large" in page
    assert escape("a form may send at most 1 MB of text. Nothing was saved.") in page
    assert Source.objects.values().get(pk=source.pk) == before
