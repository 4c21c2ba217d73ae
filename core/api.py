"""Shared pieces of the REST API: the scoped viewset and the schema's error responses."""

import copy
import operator

from django.conf import settings
from django.db import models
from django.utils import translation
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema, extend_schema_field
from drf_spectacular.views import SpectacularAPIView
from rest_framework import serializers, viewsets
from rest_framework.relations import ManyRelatedField, PKOnlyObject, PrimaryKeyRelatedField

from core.filters import MAX_ID

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


# A page of rows through a plain ListSerializer asks each field of each row for its attribute through
# DRF's generic lookups (a related field builds a PKOnlyObject to read one column) and walks the
# readable fields again per row: for the complaint list, 50 rows of 38 fields, half of the answer's
# time. This reads each row's fields with readers made once per page from the bound fields: a
# concrete model field by getattr, a related field's id from its column, then the field's own
# ``to_representation`` as DRF calls it, so the answer is the same (tests compare the two). Only for
# read-only listings: a field that would be skipped (SkipField) is not. (No docstring: see above.)
class RowsReadOnce(serializers.ListSerializer):
    def to_representation(self, data):
        if type(self.child).to_representation is not serializers.Serializer.to_representation:
            return super().to_representation(data)  # the row's own answer (masking, say) decides
        readers = self._readers()
        # As ListSerializer: a related manager's rows, else the rows given (a page, or a queryset
        # whose cached rows stand; ``.all()`` on it would query again).
        rows = data.all() if isinstance(data, models.manager.BaseManager) else data
        return [{name: read(row) for name, read in readers} for row in rows]

    def _readers(self):
        columns = {field.name: field for field in self.child.Meta.model._meta.concrete_fields}
        return [
            (field.field_name, _reader(field, columns.get(field.source)))
            for field in self.child._readable_fields
        ]


def _reader(field, column):
    if column is not None and column.is_relation:
        if isinstance(field, PrimaryKeyRelatedField) and field.pk_field is None:
            return operator.attrgetter(column.attname)
        column = None  # a nested representation of the related row: DRF's own lookup
    represent = field.to_representation
    if column is not None:
        attname = column.attname

        def read_column(row):
            value = getattr(row, attname)
            return None if value is None else represent(value)

        return read_column

    def read(row):
        value = field.get_attribute(row)
        return None if (value.pk if isinstance(value, PKOnlyObject) else value) is None else represent(value)

    return read


@extend_schema_field({"type": "integer", "minimum": 1, "maximum": MAX_ID})
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
    "409": _("The request clashes with the record's current state (a newer version, a duplicate)."),
    "429": _("Too many requests; the body says when to try again."),
}

# The one error body of the API (core.exceptions): ``detail`` and ``code`` for a refused request, a
# domain rule, a missing record or a throttle; a refused field names the field instead, with its
# messages (``{"phone": ["…"]}``), which the open properties allow.
ERROR_SCHEMA = {
    "type": "object",
    "description": "An error: `detail` (a message in the caller's language) and `code` (a stable "
    "identifier), or for a refused field the field's name with a list of messages.",
    "properties": {
        "detail": {"type": "string", "description": "What went wrong, in the caller's language."},
        "code": {"type": "string", "description": "A stable identifier of the error, e.g. `not_found`."},
    },
    "additionalProperties": True,
}


def add_error_responses(result, generator, request, public):
    """Document the error statuses every operation can answer with (a drf-spectacular hook): the
    one ``Error`` body for 400, 401, 403, 404, 409 and 429, beside an operation's own body."""
    components = result.setdefault("components", {}).setdefault("schemas", {})
    components["Error"] = ERROR_SCHEMA
    error = {"$ref": "#/components/schemas/Error"}
    for path_item in result.get("paths", {}).values():
        for operation in path_item.values():
            responses = operation.setdefault("responses", {})
            for code, description in ERROR_RESPONSES.items():
                responses.setdefault(code, {"description": str(description)})
                _also_error(responses[code], error)
    return result


def _also_error(response: dict, error: dict) -> None:
    """An error status documented with its own body (a conflict, a partial save) may also be the
    common error body (a refused field, a NUL byte, a domain rule): the schema says either."""
    content = response.setdefault("content", {}).setdefault("application/json", {})
    schema = content.get("schema")
    if schema is None:
        content["schema"] = error
    elif schema != error and error not in schema.get("anyOf", []):
        content["schema"] = {"anyOf": [schema, error]}


NO_NUL = "^[^\\x00]*$"


def english_identifiers(result, generator, request, public):
    """Generated clients name their classes after titles: a parameter's schema carries none (its
    name is the identifier; the label stays in its description). The schema also says what the
    server enforces: every PATCH body that carries ``version`` requires it, and free text takes no
    NUL byte (a drf-spectacular hook)."""
    schemas = result.get("components", {}).get("schemas", {})
    for name, component in schemas.items():
        if name.endswith("Request"):  # a request body (COMPONENT_SPLIT_REQUEST)
            for field in component.get("properties", {}).values():
                _no_nul(field)
    for path_item in result.get("paths", {}).values():
        for method, operation in path_item.items():
            for parameter in operation.get("parameters", []):
                schema = parameter.get("schema", {})
                schema.pop("title", None)
                _no_nul(schema)
            if method != "patch":
                continue
            for media in operation.get("requestBody", {}).get("content", {}).values():
                name = media.get("schema", {}).get("$ref", "").rpartition("/")[2]
                body = schemas.get(name, {})
                if "version" in body.get("properties", {}) and "version" not in body.get("required", []):
                    body["required"] = [*body.get("required", []), "version"]
    return result


def _no_nul(schema: dict) -> None:
    """Free text says it takes no NUL byte: core.middleware refuses one anywhere in a request."""
    if schema.get("type") == "string" and not {"enum", "format", "pattern"} & set(schema):
        schema["pattern"] = NO_NUL


class SchemaView(SpectacularAPIView):
    """The OpenAPI schema, in English whatever the caller's language: clients generated from it
    name their classes and operations after its titles, so one API has one schema. ``?lang=zh-hans``
    serves the descriptions translated, for reading."""

    @extend_schema(exclude=True)
    def get(self, request, *args, **kwargs):
        language = request.GET.get("lang")
        if language not in dict(settings.LANGUAGES):
            language = "en"
        with translation.override(language):
            return super().get(request, *args, **kwargs)
