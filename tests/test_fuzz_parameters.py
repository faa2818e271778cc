"""No query parameter can make a page answer 500: every filter of every list page, download and
API list, and `as_of`, `page`, `sort`, `ordering`, `cursor` — given control characters, NUL,
300-word searches, 10 KB values and odd Unicode — get 200, or 4xx with a message saying why.

Two passes over the same endpoints: every parameter with each of a fixed set of hostile values
(nothing left to chance), then hypothesis's random strings for what no one thought of. Slow (a
few thousand requests); .ci/run runs it on SQLite and on PostgreSQL, where NUL bytes and
over-long searches once failed inside the database.
"""

import json
from urllib.parse import urlsplit

import pytest
from django.test import Client
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from events.api import filters as api_filters
from events.filters import ActorFilter, EngagementFilter, SourceFilter, StatementFilter
from events.forms import BoardForm, TimelineForm

pytestmark = [pytest.mark.slow, pytest.mark.django_db]

PAGING = ["page", "sort", "as_of", "format"]
LISTS = {
    "/engagements/": EngagementFilter,
    "/statements/": StatementFilter,
    "/actors/": ActorFilter,
    "/sources/": SourceFilter,
}
API_LISTS = {
    "/api/channels/": api_filters.ChannelFilter,
    "/api/status-changes/": api_filters.StatusChangeFilter,
    "/api/engagements/": api_filters.EngagementFilter,
    "/api/statements/": api_filters.StatementFilter,
    "/api/actors/": api_filters.ActorFilter,
    "/api/counterpart-claims/": api_filters.CounterpartClaimFilter,
    "/api/sticking-points/": api_filters.StickingPointFilter,
    "/api/sources/": api_filters.SourceFilter,
}
API_PAGING = ["ordering", "cursor", "page_size", "as_of", "format"]


def endpoints() -> list[tuple[str, str, dict[str, str]]]:
    """(path, parameter, other parameters) for every parameter of every endpoint."""
    found: list[tuple[str, str, dict[str, str]]] = []
    for path, filterset in LISTS.items():
        for name in [*filterset.base_filters, *PAGING]:
            found.append((path, name, {}))
            if name != "format":
                found.append((path, name, {"format": "csv"}))
                found.append((path, name, {"format": "json"}))
    found += [
        (path, name, {})
        for path, filterset in API_LISTS.items()
        for name in [*filterset.base_filters, *API_PAGING]
    ]
    found += [("/", name, {}) for name in [*BoardForm.base_fields, "page", "as_of"]]
    found += [("/timeline/", name, {}) for name in [*TimelineForm.base_fields, "page"]]
    found += [
        (f"/suggest/{kind}/", name, {})
        for kind, name in [
            ("channels", "channel"),
            ("actors", "participant"),
            ("people", "speaker"),
        ]
    ]
    return found


ENDPOINTS = endpoints()

HOSTILE = {
    "nul": "\x00",
    "nul inside": "us-china\x00military",
    "controls": "".join(chr(c) for c in [*range(1, 32), 127, 0x85, 0x9F]),
    "300-word search": " ".join(f"word{n}" for n in range(300)),
    "250 words that fit": " ".join(f"w{n}" for n in range(250)),
    "10 KB": "x" * 10_240,
    "odd unicode": "İ\u0307 \u202eevil\u202c \ufeff\u200b 𝔘𝔫𝔦 👩‍👩‍👧 \U000e0001 ﷽ \uffff",
    "quotes and percent": "\"' OR 1=1 -- %s %(x)s {0} \\ NEAR( * -",
    "far page": "99999999999999999999",
    "negative": "-1",
    "date-like": "2025-02-30",
}


def signed_in_client(django_user_model) -> Client:
    from django.contrib.auth.models import Group

    from events.roles import ANALYSTS

    user, _ = django_user_model.objects.get_or_create(username="fuzz-analyst")
    user.groups.add(Group.objects.get(name=ANALYSTS))
    client = Client(raise_request_exception=False)
    client.force_login(user)
    return client


def assert_answered(client: Client, path: str, params: dict[str, str]) -> None:
    response = client.get(path, params)
    status = response.status_code
    if status == 302:
        # Asked with empty values, a page sends the reader to its address without them; never
        # elsewhere, and that address answers too.
        location = urlsplit(response["Location"])
        assert location.path in ("", path), (path, params, response["Location"])
        response = client.get(f"{path}?{location.query}")
        status = response.status_code
    assert status < 500, (path, params, status)
    assert status == 200 or 400 <= status < 500, (path, params, status)
    if status == 200:
        return
    # A refusal says why: a JSON `detail`, a page with a message, or plain text.
    body = b"".join(response.streaming_content) if response.streaming else response.content
    text = body.decode()
    if response["Content-Type"].startswith("application/json"):
        assert json.loads(text)["detail"], (path, params, text)
    else:
        assert "Bad Request (400)" not in text, (path, params)
        assert len(text.strip()) > 40, (path, params, text)


@pytest.mark.parametrize("value", list(HOSTILE.values()), ids=list(HOSTILE))
def test_every_parameter_answers_every_hostile_value_without_a_500(
    seeded, django_user_model, value
):
    client = signed_in_client(django_user_model)
    for path, name, others in ENDPOINTS:
        assert_answered(client, path, {**others, name: value})


# Any Unicode a URL can carry (no lone surrogates), biased toward the troublesome.
RANDOM_TEXT = st.one_of(
    st.text(st.characters(exclude_categories=("Cs",)), max_size=60),
    st.text(st.characters(codec="ascii"), max_size=30),
    st.lists(st.sampled_from(["talks", "china", "OR", "-", "*", '"', "\x00", "é"])).map(" ".join),
    st.sampled_from(list(HOSTILE.values())),
)


@hypothesis_settings(
    max_examples=250,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(endpoint=st.sampled_from(ENDPOINTS), value=RANDOM_TEXT, second=RANDOM_TEXT)
def test_random_parameter_values_never_get_a_500(
    seeded, django_user_model, endpoint, value, second
):
    path, name, others = endpoint
    client = signed_in_client(django_user_model)
    # A second parameter of the same endpoint, chosen by the value's length: combinations too.
    same = [n for p, n, _ in ENDPOINTS if p == path]
    other_name = same[len(second) % len(same)]
    assert_answered(client, path, {**others, other_name: second, name: value})
