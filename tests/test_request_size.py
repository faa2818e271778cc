"""Any size: a source whose pasted text runs to megabytes opens, is edited and saved in the admin
(its form carries a 64-character version, not a copy of the record), and a request over the limit
(MAX_REQUEST_MB) to intake or an admin form comes back with the first part of the text, every
other field and a message on the field (diplomacy/oversized.py), status 413; any other form
gets a page saying how large a request may be, with status 413."""

from urllib.parse import urlencode

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
def test_an_admin_form_over_the_limit_comes_back_with_the_text_kept_and_a_message(
    seeded, editor_client
):
    source = Source.objects.order_by("pk").first()
    url = change_url(source)
    form = rendered_form(editor_client, url)
    before = Source.objects.values().get(pk=source.pk)
    text = "é" + "x" * (2 * 1024 * 1024)

    response = editor_client.post(url, {**form, "text": [text], "notes": ["Checked twice."]})

    assert response.status_code == 413
    page = response.content.decode()
    assert (
        escape(
            "This text is 2,048 KB: more than a form may send (1 MB). Nothing was saved. Its first "
            "256 KB is kept below, with everything else you entered"
        )
        in page
    )
    rendered = response.context["adminform"].form
    assert rendered["text"].value() == text[: 256 * 1024 - 1]  # "é" takes two bytes
    assert rendered["notes"].value() == "Checked twice."
    assert Source.objects.values().get(pk=source.pk) == before


@override_settings(DATA_UPLOAD_MAX_MEMORY_SIZE=1024 * 1024)
def test_an_intake_paste_over_the_limit_keeps_its_first_part_and_every_other_field(
    seeded, editor_client
):
    sources = Source.objects.count()
    fields = {
        "outlet": "Nikkei Asia",
        "title": "Talks resume",
        "published": "2026-03-02",
        "url": "https://example.org/talks",
        "kind": "major_outlet",
    }
    paste = PARAGRAPH * (2 * 1024 * 1024 // len(PARAGRAPH))

    # Posted as the intake form posts (multipart), and as a plain urlencoded form.
    for response in (
        editor_client.post("/intake/", {**fields, "text": paste}),
        editor_client.post(
            "/intake/",
            urlencode({**fields, "text": paste}),
            content_type="application/x-www-form-urlencoded",
        ),
    ):
        assert response.status_code == 413
        form = response.context["form"]
        assert form["text"].value() == paste[: 256 * 1024]
        assert {name: form[name].value() for name in fields} == fields
        assert (
            f"This text is {len(paste) / 1024:,.0f} KB: more than a form may send (1 MB). "
            "Nothing was saved." in form.errors["text"][0]
        )
        assert 'class="field-error"' in response.content.decode()
    assert Source.objects.count() == sources


@override_settings(DATA_UPLOAD_MAX_MEMORY_SIZE=1024 * 1024)
def test_other_forms_over_the_limit_still_get_the_413_page(seeded, admin_client):
    response = admin_client.post("/admin/auth/group/add/", {"name": "x" * (2 * 1024 * 1024)})
    assert response.status_code == 413
    assert "Request too large" in response.content.decode()
