from rest_framework import permissions


class ModelPermissions(permissions.DjangoModelPermissions):
    """Django model permissions, with reads requiring the ``view`` permission too."""

    perms_map = {
        **permissions.DjangoModelPermissions.perms_map,
        "GET": ["%(app_label)s.view_%(model_name)s"],
        "HEAD": ["%(app_label)s.view_%(model_name)s"],
        "OPTIONS": ["%(app_label)s.view_%(model_name)s"],
    }

    def _queryset(self, view):
        # Only the model is read from it: the view's class queryset spares building the scoped one
        # (``visible_to`` and its joins) twice per request, once here and once for the answer.
        queryset = getattr(view, "queryset", None)
        return queryset if queryset is not None else super()._queryset(view)


def requires(permission: str) -> type[permissions.BasePermission]:
    """An API permission class for one Django permission (for actions outside the model CRUD map)."""

    class HasPermission(permissions.BasePermission):
        def has_permission(self, request, view):
            return bool(request.user and request.user.is_authenticated and request.user.has_perm(permission))

    HasPermission.__name__ = f"Requires_{permission.replace('.', '_')}"
    return HasPermission
