import re

import pytest
from django.urls import reverse

from events import admin as events_admin


@pytest.fixture(autouse=True)
def patch(monkeypatch):
    orig = events_admin.CitationInline.get_formset

    def gf(self, request, obj=None, **kwargs):
        from django.contrib.contenttypes.admin import GenericTabularInline

        return GenericTabularInline.get_formset(self, request, obj, **kwargs)

    monkeypatch.setattr(events_admin.CitationInline, "get_formset", gf)


def test_dump(seeded, admin_client):
    for name in [
        "statuschange",
        "engagement",
        "engagementtransition",
        "statement",
        "channel",
        "source",
    ]:
        r = admin_client.get(reverse(f"admin:events_{name}_add"))
        html = r.content.decode()
        names = sorted(set(re.findall(r'name="([^"]+)"', html)))
        print(name, r.status_code, names)
        for m in re.findall(
            r"<input[^>]*(?:TOTAL|INITIAL|MIN|MAX)_NUM[^>]*>|<input[^>]*TOTAL_FORMS[^>]*>|<input[^>]*INITIAL_FORMS[^>]*>|<input[^>]*MIN_NUM_FORMS[^>]*>",
            html,
        ):
            print("   ", m)
