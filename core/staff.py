"""Who may use the staff pages: one permission, checked by one decorator on every staff view."""

from django.contrib.auth.decorators import login_required, permission_required

STAFF_UI = "organization.use_staff_ui"


def staff_ui(view):
    return login_required(permission_required(STAFF_UI, raise_exception=True)(view))
