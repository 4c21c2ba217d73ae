"""Shared pieces of the REST API: the scoped viewset and the schema's error responses."""

import copy

from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers, viewsets
from rest_framework.relations import ManyRelatedField

# Ids are 64-bit; a longer number in a URL is a 404 instead of a database overflow.
ID_PATTERN = r"[0-9]{1,18}"


class ScopedReadOnlyViewSet(viewsets.ReadOnlyModelViewSet):
    """A read-only endpoint over ``queryset.visible_to(request.user)``; out of scope is 404."""

    lookup_value_regex = ID_PATTERN

    def get_queryset(self):
        return super().get_queryset().visible_to(self.request.user)


# DRF builds every field of a ModelSerializer from the model each time one is made; for a wide model
# that is most of the cost of an answer (the complaint: about 5 ms of a 5.3 ms answer). These keep the
# built, unbound fields on the class and hand each instance copies. A field holding other fields (a
# nested serializer, a list or dict of fields, a to-many relation) is deep-copied as DRF itself hands
# out declared fields; any other field is copied shallowly: binding sets its name and parent on the
# copy, and what the copies share (choices, validators, error messages) is only read. Only for
# serializers whose fields do not depend on the instance, the data or the request. (No docstring:
# the schema would take it as the description of every serializer using it.)
_HOLDS_FIELDS = (serializers.BaseSerializer, serializers.ListField, serializers.DictField, ManyRelatedField)


class FieldsBuiltOnce:
    def get_fields(self):
        built = type(self).__dict__.get("_built_fields")
        if built is None:
            built = super().get_fields()
            type(self)._built_fields = built
        return {
            name: copy.deepcopy(field) if isinstance(field, _HOLDS_FIELDS) else copy.copy(field)
            for name, field in built.items()
        }


@extend_schema_field(OpenApiTypes.INT)
class ScopedRelatedField(serializers.PrimaryKeyRelatedField):
    """An id of a row the caller may see (``visible_to`` the request's user); others do not exist,
    so another company's id is a 400 "does not exist", never a leak."""

    def __init__(self, model, *, select_related: tuple[str, ...] = (), **kwargs):
        self.model = model
        self.select_related = select_related
        super().__init__(**kwargs)

    def get_queryset(self):
        visible = self.model.objects.visible_to(self.context["request"].user)
        return visible.select_related(*self.select_related) if self.select_related else visible


class VersionedPatchInput(serializers.Serializer):
    """The body of a PATCH carrying the ``version`` read: its fields are optional by their own
    ``required=False``, but ``version`` stays required, in validation and in the schema
    (drf-spectacular marks PATCH bodies partial, which would drop every ``required``)."""

    @property
    def partial(self) -> bool:
        return False

    @partial.setter
    def partial(self, value) -> None:
        pass  # never partial: ``version`` is always required


ERROR_RESPONSES = {
    "400": _("The request is invalid; the body says which field and why."),
    "401": _("No valid credentials were sent."),
    "403": _("The caller lacks the permission for this operation."),
    "404": _("Not found, or outside the caller's companies."),
}


def add_error_responses(result, generator, request, public):
    """Document the error statuses every operation can answer with (a drf-spectacular hook)."""
    components = result.setdefault("components", {}).setdefault("schemas", {})
    components["Error"] = {
        "type": "object",
        "properties": {"detail": {"type": "string"}, "code": {"type": "string"}},
        "additionalProperties": True,
    }
    error = {"$ref": "#/components/schemas/Error"}
    for path_item in result.get("paths", {}).values():
        for operation in path_item.values():
            responses = operation.setdefault("responses", {})
            for code, description in ERROR_RESPONSES.items():
                responses.setdefault(
                    code,
                    {"description": str(description), "content": {"application/json": {"schema": error}}},
                )
            for code in ("400", "409"):
                if code in responses:
                    _also_error(responses[code], error)
    return result


def _also_error(response: dict, error: dict) -> None:
    """A 400 or 409 documented with its own body (a conflict, a partial save) may also be the common
    error body (a refused field, a NUL byte, a domain rule): the schema says either."""
    content = response.setdefault("content", {}).setdefault("application/json", {})
    schema = content.get("schema")
    if schema is None:
        content["schema"] = error
    elif schema != error:
        content["schema"] = {"anyOf": [schema, error]}
