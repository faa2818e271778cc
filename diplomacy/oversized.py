"""A form posted over the request limit comes back with what can be kept, not as a bare error.

Django refuses a form whose fields add up to more than DATA_UPLOAD_MAX_MEMORY_SIZE
(MAX_REQUEST_MB) the moment anything reads `request.POST` — the CSRF check does, before any
view — and the editor's text is lost. For the views that opt in (`keeps_oversized_post`: intake,
and the admin's add and change pages of our records), `OversizedFormMiddleware` reads such a
body itself, in a bounded way: every field is kept up to KEEP_FIELD_FRACTION of the limit, and
all of them together up to the limit; a field cut short is named in `request.oversized_fields`
with its full size. The view then shows the form again with a message on that field
(`refuse_oversized`), its first part and every other field as sent, with status 413, and saves
nothing. Memory stays bounded by the limit whatever the body's size (nginx's
client_max_body_size bounds what is read at all).
"""

import re
from urllib.parse import unquote_plus

from django.conf import settings
from django.core.exceptions import TooManyFieldsSent
from django.http import QueryDict
from django.http.multipartparser import (  # type: ignore[attr-defined]  # not in the stubs
    FIELD,
    ChunkIter,
    LazyStream,
    Parser,
    exhaust,
)
from django.utils.datastructures import MultiValueDict
from django.utils.http import parse_header_parameters

KEEP_FIELD_FRACTION = 4  # a field keeps at most a quarter of the request limit
CHUNK = 64 * 1024


def keeps_oversized_post(view):
    """Mark a view whose form is shown again, with what can be kept, when it is posted over
    the request limit (its form must call `refuse_oversized`)."""
    view.keeps_oversized_post = True
    return view


def _opted_in(request, view_func) -> bool:
    if getattr(view_func, "keeps_oversized_post", False):
        return True
    # The admin's views carry their ModelAdmin (ModelAdmin.get_urls); ours opt in by attribute,
    # for their add and change forms only.
    model_admin = getattr(view_func, "model_admin", None)
    url_name = getattr(request.resolver_match, "url_name", "") or ""
    return bool(getattr(model_admin, "keeps_oversized_post", False)) and url_name.endswith(
        ("_add", "_change")
    )


class _Budget:
    """What is kept: each field up to `per_field` bytes, all of them up to `total`."""

    def __init__(self, total: int) -> None:
        self.per_field = total // KEEP_FIELD_FRACTION
        self.left = total
        self.fields = 0

    def room(self) -> int:
        return max(0, min(self.per_field, self.left))

    def count_field(self) -> None:
        self.fields += 1
        limit = settings.DATA_UPLOAD_MAX_NUMBER_FIELDS
        if limit is not None and self.fields > limit + 2:
            raise TooManyFieldsSent("Too many fields.")


def _read_multipart(request, boundary: bytes, budget: _Budget, encoding: str):
    post, oversized = QueryDict(mutable=True, encoding=encoding), {}
    stream = LazyStream(ChunkIter(request, CHUNK))
    for item_type, meta_data, field_stream in Parser(stream, boundary):
        try:
            name = meta_data["content-disposition"][1]["name"].strip()
        except (KeyError, IndexError, AttributeError):
            exhaust(field_stream)
            continue
        if item_type != FIELD:  # no form here uploads files
            exhaust(field_stream)
            continue
        budget.count_field()
        name = name.decode(encoding, "replace") if isinstance(name, bytes) else name
        kept, size = bytearray(), 0
        for chunk in field_stream:
            size += len(chunk)
            kept.extend(chunk[: budget.room() - len(kept)])
        budget.left -= len(kept)
        # A cut can fall inside a character: drop the incomplete end.
        post.appendlist(name, bytes(kept).decode(encoding, "ignore"))
        if size > len(kept):
            oversized[name] = size
    return post, oversized


_PARTIAL_ESCAPE = re.compile(rb"%[0-9A-Fa-f]?$")


def _read_urlencoded(request, budget: _Budget, encoding: str):
    post, oversized = QueryDict(mutable=True, encoding=encoding), {}

    def finish(raw_name: bytes, raw_value: bytearray, size: int) -> None:
        budget.count_field()
        name = unquote_plus(raw_name.decode("ascii", "replace"), encoding, "replace")
        # Percent-escapes take up to three bytes a byte: keep the decoded value within room.
        value_bytes = _PARTIAL_ESCAPE.sub(b"", bytes(raw_value))
        value = unquote_plus(value_bytes.decode("ascii", "replace"), encoding, "ignore")
        encoded = value.encode(encoding)
        room = budget.room()
        if len(encoded) > room:
            value = encoded[:room].decode(encoding, "ignore")
        budget.left -= len(value.encode(encoding))
        post.appendlist(name, value)
        if size > len(encoded) or len(encoded) > room:
            oversized[name] = size

    raw_name, raw_value, size, in_value = bytearray(), bytearray(), 0, False
    while chunk := request.read(CHUNK):
        for part in re.split(rb"(&|=)", chunk):
            if part == b"&":
                if raw_name or raw_value:
                    finish(bytes(raw_name), raw_value, size)
                raw_name, raw_value, size, in_value = bytearray(), bytearray(), 0, False
            elif part == b"=" and not in_value:
                in_value = True
            elif in_value:
                size += len(part) - 2 * part.count(b"%")  # the decoded size: %XX is one byte
                raw_value.extend(part[: 3 * budget.room() - len(raw_value)])
            elif len(raw_name) < 1000:
                raw_name.extend(part[: 1000 - len(raw_name)])
    if raw_name or raw_value:
        finish(bytes(raw_name), raw_value, size)
    return post, oversized


def read_bounded_form(request) -> tuple[QueryDict, dict[str, int]] | None:
    """The form fields of an over-limit POST, each cut to what the budget keeps, and the sizes
    of the fields that were cut; None for a body that is not a form."""
    content_type, options = parse_header_parameters(request.META.get("CONTENT_TYPE", ""))
    encoding = request.encoding or settings.DEFAULT_CHARSET
    budget = _Budget(settings.DATA_UPLOAD_MAX_MEMORY_SIZE)
    if content_type == "multipart/form-data" and options.get("boundary"):
        return _read_multipart(request, options["boundary"].encode("ascii"), budget, encoding)
    if content_type == "application/x-www-form-urlencoded":
        return _read_urlencoded(request, budget, encoding)
    return None


class OversizedFormMiddleware:
    """Before the CSRF check reads the form: an over-limit POST to a view that opted in is read
    in a bounded way (module docstring); the form shown again answers 413."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if getattr(request, "oversized_fields", None) and response.status_code == 200:
            response.status_code = 413
            response.reason_phrase = "Content Too Large"
        return response

    def process_view(self, request, view_func, view_args, view_kwargs):
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        if request.method != "POST" or limit is None or not _opted_in(request, view_func):
            return None
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            return None
        if length <= limit:
            return None
        read = read_bounded_form(request)
        if read is None:
            return None
        request._post, request.oversized_fields = read
        request._files = MultiValueDict()
        return None


def oversized_message(size: int) -> str:
    limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    kept = limit // KEEP_FIELD_FRACTION
    return (
        f"This text is {size / 1024:,.0f} KB: more than a form may send "
        f"({limit / (1024 * 1024):g} MB). Nothing was saved. Its first {kept / 1024:,.0f} KB "
        "is kept below, with everything else you entered: shorten it and send again."
    )


def refuse_oversized(form, request) -> bool:
    """Put a message on each field of `form` that was cut short (a form-wide one for a field
    it does not have); True when there was one, so the form must not be saved. Call it after
    `form.is_valid()`."""
    oversized = getattr(request, "oversized_fields", None) or {}
    if not oversized:
        return False
    form.errors  # noqa: B018 (runs the form's own checks first, so add_error can follow)
    for name, size in oversized.items():
        field = name.removeprefix(form.prefix + "-") if form.prefix else name
        form.add_error(field if field in form.fields else None, oversized_message(size))
    return True
