"""Cursor pagination: stable pages however many rows are added meanwhile, and cursors that a
client cannot tamper with into a server error."""

from django.core.exceptions import FieldDoesNotExist
from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.pagination import CursorPagination


class Pagination(CursorPagination):
    """Pages of 25 rows (`page_size` up to 100). The order comes from the view's ordering
    backend (`?ordering=`), always ending with the primary key, so it is total and stable."""

    page_size = 25
    page_size_query_param = "page_size"
    max_page_size = 100
    ordering = ("id",)
    invalid_cursor_message = "Invalid cursor: use the `next` or `previous` link of a page."

    def paginate_queryset(self, queryset, request, view=None):
        self._queryset = queryset
        return super().paginate_queryset(queryset, request, view)

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

    def decode_cursor(self, request):
        """DRF answers 404 for a cursor it cannot read; a bad parameter is a 400 here. The
        position must also be a value of the ordering column (a cursor is base64 text anyone
        can forge), else the database would be asked to compare a date with “garbage”."""
        try:
            cursor = super().decode_cursor(request)
        except NotFound:
            raise self._invalid() from None
        if cursor is None or cursor.position is None:
            return cursor
        # The stubs type Cursor.position as int; decode_cursor() reads it from the query as text.
        if "\x00" in cursor.position:  # type: ignore[operator]
            raise self._invalid()
        field = self._ordering_field()
        if field is not None:
            try:
                field.run_validators(field.to_python(cursor.position))
            except (DjangoValidationError, ValueError, TypeError):
                raise self._invalid() from None
        return cursor

    def _invalid(self) -> ValidationError:
        return ValidationError({self.cursor_query_param: [self.invalid_cursor_message]})

    def _ordering_field(self):
        name = self.ordering[0].lstrip("-")
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
