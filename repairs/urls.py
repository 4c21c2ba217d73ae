from django.urls import path

from . import public_views, views

urlpatterns = [
    path("repairs/", views.repair_list, name="repair-list"),
    path("repairs/new/", views.repair_create, name="repair-create"),
    path("repairs/contractors/", views.contractor_statistics, name="repair-contractors"),
    path(
        "repairs/contractors/export.xlsx",
        views.contractor_statistics_export,
        name="repair-contractors-export",
    ),
    path("repairs/<int:repair_id>/", views.repair_detail, name="repair-detail"),
    path("repairs/<int:repair_id>/photos/<int:photo_id>/", views.repair_photo, name="repair-photo"),
    path("repairs/<int:repair_id>/dispatch/", views.repair_dispatch, name="repair-dispatch"),
    path("repairs/<int:repair_id>/visit/", views.repair_visit, name="repair-visit"),
    path("repairs/<int:repair_id>/follow-up/", views.repair_follow_up, name="repair-follow-up"),
    path("repairs/<int:repair_id>/convert/", views.repair_convert, name="repair-convert"),
    path("repair/", public_views.public_repair, name="public-repair"),
    path("r/<str:token>/", public_views.public_repair_track, name="public-repair-track"),
    path("r/<str:token>/fixed/", public_views.public_repair_fixed, name="public-repair-fixed"),
    path("r/<str:token>/not-fixed/", public_views.public_repair_not_fixed, name="public-repair-not-fixed"),
    path("r/<str:token>/complaint/", public_views.public_repair_convert, name="public-repair-convert"),
]
