"""The OpenAPI schema: drf-spectacular's, plus the error answers every operation can give."""

from drf_spectacular import openapi
from drf_spectacular.utils import OpenApiResponse
from rest_framework import serializers


class ErrorSerializer(serializers.Serializer):
    """What every refusal looks like: a message, and for bad parameters the message of each."""

    detail = serializers.CharField(help_text="What went wrong, in a sentence.")
    # A declared field (DRF's metaclass takes it off the class), not Serializer.errors.
    errors = serializers.DictField(  # type: ignore[assignment]
        child=serializers.ListField(child=serializers.CharField()),
        required=False,
        help_text="For 400: each parameter that could not be read, with why.",
    )


ERRORS = {
    "400": "A parameter could not be read (see `errors`).",
    "401": "No credentials: sign in, or send `Authorization: Token <key>`.",
    "403": "The account may not read the boards (not an analyst or editor).",
    "404": "No such record.",
}


class AutoSchema(openapi.AutoSchema):
    def _get_parameters(self):
        """Every query parameter is optional, and an empty value counts as leaving it out (as
        the site's forms send them): say so with `allowEmptyValue`."""
        parameters = super()._get_parameters()
        for parameter in parameters:
            if parameter["in"] == "query":
                parameter["allowEmptyValue"] = True
        return parameters

    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        for code, description in ERRORS.items():
            if code == "404" and self._is_list_view():
                continue
            responses.setdefault(
                code,
                self._get_response_for_code(
                    OpenApiResponse(response=ErrorSerializer, description=description),
                    code,
                    direction=direction,
                ),
            )
        return responses
