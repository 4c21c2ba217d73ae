from django.urls import path

from . import views

urlpatterns = [
    path("customers/", views.customer_list, name="customer-list"),
    path("customers/new/", views.customer_create, name="customer-create"),
    path("customers/merge/", views.customer_merge, name="customer-merge"),
    path("customers/segments/", views.segment_shares, name="customer-segments"),
    path("customers/import/", views.customer_import, name="customer-import"),
    path("customers/export/", views.customer_export, name="customer-export"),
    path("customers/<int:customer_id>/", views.customer_detail, name="customer-detail"),
    path("customers/<int:customer_id>/edit/", views.customer_edit, name="customer-edit"),
    path("customers/<int:customer_id>/communications/", views.communication_add, name="communication-add"),
    path("customers/<int:customer_id>/segment/", views.segment_set, name="customer-segment"),
    path("audit/", views.access_log, name="access-log"),
]
