from django.urls import path

from . import calendar_views, customer_manager_views, views

urlpatterns = [
    path("", views.home, name="home"),
    path("organisation/", views.organisation, name="organisation"),
    path("calendars/", calendar_views.calendar_page, name="calendars"),
    path("projects/homes/", views.project_homes, name="project-homes"),
    path("projects/<int:project_id>/", views.project_detail, name="project-detail"),
    path("projects/<int:project_id>/units.csv", views.project_units_export, name="project-units-export"),
    path("units/<int:unit_id>/edit/", views.unit_edit, name="unit-edit"),
    path("projects/<int:project_id>/duty-handler/", views.project_duty_handler, name="project-duty-handler"),
    path(
        "projects/<int:project_id>/customer-managers/",
        customer_manager_views.project_customer_managers,
        name="project-customer-managers",
    ),
]
