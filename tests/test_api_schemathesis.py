"""Schemathesis against the read API's own OpenAPI schema, on the in-process WSGI app.

One test per operation (GET of every list and record). Each loads the schema the app serves at
/api/schema/ (`schemathesis.openapi.from_wsgi`), then sends requests generated from it — valid
ones and, separately, invalid ones (bad dates, unknown choices, out-of-range page sizes, forged
path parameters…), at most 25 of each — as a signed-in analyst (token header) with the seed
loaded. Checks: no server error; status code, content type, headers and body as the schema says;
invalid input refused; authentication enforced; every refusal carries a `detail` message.

(Schemathesis's own `from_fixture(...).parametrize()` cannot run under pytest 9, whose nodes
no longer have `_nodeid`; driving each operation's Hypothesis strategy directly is equivalent.
Runs are reproducible; `SCHEMATHESIS_RANDOM=1` draws new examples each time.)
"""

import os

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, given, settings
from rest_framework.authtoken.models import Token
from schemathesis import GenerationMode, checks

from events.api.urls import router

pytestmark = pytest.mark.slow

MAX_EXAMPLES = 25
# Reproducible by default (CI must not fail by chance); SCHEMATHESIS_RANDOM=1 explores afresh.
DERANDOMIZE = not os.environ.get("SCHEMATHESIS_RANDOM")


def operations() -> list[str]:
    """Every path the schema has: each registered list and its record."""
    paths = []
    for prefix, viewset, _basename in router.registry:
        lookup = getattr(viewset, "lookup_url_kwarg", None) or viewset.lookup_field
        lookup = "id" if lookup == "pk" else lookup  # drf-spectacular names `pk` after the field
        paths += [f"/api/{prefix}/", f"/api/{prefix}/{{{lookup}}}/"]
    return paths


def refusals_explain_themselves(ctx, response, case):
    """Every 4xx answer is JSON with a non-empty `detail` message."""
    if 400 <= response.status_code < 500:
        body = response.json()
        assert isinstance(body, dict) and body.get("detail"), (
            f"{response.status_code} without a detail message: {body!r}"
        )


CHECKS = [
    checks.not_a_server_error,
    checks.status_code_conformance,
    checks.content_type_conformance,
    checks.response_schema_conformance,
    checks.response_headers_conformance,
    checks.negative_data_rejection,
    checks.ignored_auth,
    refusals_explain_themselves,
]


@pytest.fixture
def api_schema(seeded, analyst, settings):
    # Schemathesis's WSGI client calls the app as host "localhost".
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "localhost"]
    # The app runs in the test's thread and transaction: Django must not close the connection
    # (and so roll the seed back) when a request ends — the test client does the same.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    headers = {"Authorization": f"Token {Token.objects.create(user=analyst).key}"}
    # Built here, not at import: the middleware reads the settings as the app is built, and the
    # suite's plain-HTTP settings (conftest) are in force only from now on.
    application = get_wsgi_application()
    try:
        schema = schemathesis.openapi.from_wsgi(
            "/api/schema/",
            application,
            config=schemathesis.Config.from_dict({"headers": headers}),
            headers=headers,
        )
        yield schema, headers
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


def test_schema_lists_every_operation(api_schema):
    schema, _ = api_schema
    served = {operation.ok().path for operation in schema.get_all_operations()}
    assert served == set(operations())


@pytest.mark.parametrize("mode", [GenerationMode.POSITIVE, GenerationMode.NEGATIVE], ids=str)
@pytest.mark.parametrize("path", operations())
def test_api_conforms_to_its_schema(api_schema, path, mode):
    schema, headers = api_schema
    operation = schema[path]["GET"]

    @given(case=operation.as_strategy(generation_mode=mode))
    @settings(
        max_examples=MAX_EXAMPLES,
        deadline=None,
        database=None,
        derandomize=DERANDOMIZE,
        suppress_health_check=list(HealthCheck),
    )
    def run(case):
        case.call_and_validate(headers=headers, checks=CHECKS)

    run()
