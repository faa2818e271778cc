"""Cursor pagination: stable pages however many rows are added meanwhile, read by keyset however
deep, and cursors that a client cannot tamper with into a server error.

DRF's own cursor keeps the first ordering column's value and an offset among the rows that
share it: a page of ties (a hundred engagements on one day, titles alike) is read with OFFSET.
Ours keeps the whole key of the row it stops at (`events.pagination.total_order`: every ordering
column and the primary key), so every page is `WHERE (keys) > (cursor) LIMIT n`, as the site's
lists read theirs."""

from base64 import b64decode, b64encode
from binascii import Error as Base64Error
from dataclasses import dataclass, replace
from urllib import parse

from django.core.exceptions import FieldDoesNotExist
from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework.exceptions import ValidationError
from rest_framework.pagination import CursorPagination
from rest_framework.utils.urls import replace_query_param

from events.pagination import SortKey, beyond, ordered, total_order


@dataclass(frozen=True)
class KeyCursor:
    """Where a page starts: after `position` (a row's key), or before it (`reverse`)."""

    position: tuple
    reverse: bool = False


def _reversed(keys: tuple[SortKey, ...]) -> tuple[SortKey, ...]:
    return tuple(replace(k, descending=not k.descending, nulls_last=not k.nulls_last) for k in keys)


class Pagination(CursorPagination):
    """Pages of 25 rows (`page_size` up to 100). The order comes from the view's ordering
    backend (`?ordering=`), always ending with the primary key, so it is total and stable.
    A cursor holds the key of the row before (`next`) or after (`previous`) its page."""

    page_size = 25
    page_size_query_param = "page_size"
    max_page_size = 100
    ordering = ("id",)
    invalid_cursor_message = "Invalid cursor: use the `next` or `previous` link of a page."

    def paginate_queryset(self, queryset, request, view=None):
        self.request = request
        self.page_size = self.get_page_size(request)
        self.base_url = request.build_absolute_uri()
        self._queryset = queryset
        self.keys = total_order(queryset)
        self.start = self._decode(request)
        reverse = bool(self.start and self.start.reverse)
        keys = _reversed(self.keys) if reverse else self.keys
        rows = ordered(queryset, keys)
        if self.start is not None:
            rows = rows.filter(beyond(keys, self.start.position, inclusive=False))
        results = list(rows[: self.page_size + 1])
        self.page = results[: self.page_size]
        more = len(results) > self.page_size
        if reverse:
            self.page.reverse()
            self.has_next, self.has_previous = True, more
        else:
            self.has_next, self.has_previous = more, self.start is not None
        if self.has_previous or self.has_next:
            self.display_page_controls = True
        return self.page

    def get_page_size(self, request):
        value = request.query_params.get(self.page_size_query_param, "")
        if value:
            digits = value.isascii() and value.isdigit() and len(value) <= 3
            size = int(value) if digits else 0
            if not 1 <= size <= self.max_page_size:
                raise ValidationError(
                    {
                        self.page_size_query_param: [
                            f"Give a whole number from 1 to {self.max_page_size}."
                        ]
                    }
                )
            return size
        return self.page_size

    def get_next_link(self):
        if not self.has_next:
            return None
        # An empty page (read backwards past the start) continues from its own cursor.
        position = self._key_of(self.page[-1]) if self.page else self._position()
        return self._encode(KeyCursor(position))

    def get_previous_link(self):
        if not self.has_previous:
            return None
        position = self._key_of(self.page[0]) if self.page else self._position()
        return self._encode(KeyCursor(position, reverse=True))

    def _position(self) -> tuple:
        assert self.start is not None  # a page with a previous or next one
        return self.start.position

    def _key_of(self, row) -> tuple:
        def value(name: str):
            found = row
            for part in name.split("__"):
                found = getattr(found, part)
            return found

        return tuple(value(key.name) for key in self.keys)

    def _encode(self, cursor: KeyCursor) -> str:
        tokens: dict[str, list[str]] = {
            "p": ["" if value is None else str(value) for value in cursor.position]
        }
        if nulls := [str(i) for i, value in enumerate(cursor.position) if value is None]:
            tokens["n"] = nulls
        if cursor.reverse:
            tokens["r"] = ["1"]
        encoded = b64encode(parse.urlencode(tokens, doseq=True).encode("ascii")).decode("ascii")
        assert self.base_url is not None
        return replace_query_param(self.base_url, self.cursor_query_param, encoded)

    def _decode(self, request) -> KeyCursor | None:
        """A bad cursor is a 400. Each value of its key must be a value of its ordering column
        (a cursor is base64 text anyone can forge), else the database would be asked to compare
        a date with “garbage”."""
        encoded = request.query_params.get(self.cursor_query_param)
        if encoded is None:
            return None
        try:
            text = b64decode(encoded.encode("ascii"), validate=True).decode("ascii")
            tokens = parse.parse_qs(text, keep_blank_values=True, strict_parsing=True)
            nulls = {int(i) for i in tokens.get("n", [])}
            reverse = tokens.get("r", ["0"]) == ["1"]
        except (UnicodeError, ValueError, Base64Error):
            raise self._invalid() from None
        values = tokens.get("p", [])
        if set(tokens) - {"p", "n", "r"} or len(values) != len(self.keys):
            raise self._invalid()
        position = tuple(
            None if i in nulls else self._read(key, value)
            for i, (key, value) in enumerate(zip(self.keys, values, strict=True))
        )
        return KeyCursor(position, reverse)

    def _read(self, key: SortKey, value: str):
        if "\x00" in value:
            raise self._invalid()
        field = self._field(key.name)
        if field is None:
            return value
        try:
            typed = field.to_python(value)
            field.run_validators(typed)
        except (DjangoValidationError, ValueError, TypeError):
            raise self._invalid() from None
        return typed

    def _invalid(self) -> ValidationError:
        return ValidationError({self.cursor_query_param: [self.invalid_cursor_message]})

    def _field(self, name: str):
        annotation = self._queryset.query.annotations.get(name)
        if annotation is not None:
            return annotation.output_field
        meta = self._queryset.model._meta
        try:
            return meta.pk if name == "pk" else meta.get_field(name)
        except FieldDoesNotExist:
            return None

    def get_schema_operation_parameters(self, view):
        parameters = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            if parameter["name"] == self.page_size_query_param:
                parameter["schema"].update({"minimum": 1, "maximum": self.max_page_size})
        return parameters
