from django.urls import path

from . import views
from .webhooks import views as webhook_views

urlpatterns = [
    path("jobs/<int:job_id>/", views.job_detail, name="job-detail"),
    path("jobs/<int:job_id>/status/", views.job_status, name="job-status"),
    path("jobs/<int:job_id>/download/", views.job_download, name="job-download"),
    path("messages/failed/", views.failed_messages, name="failed-messages"),
    path("search/", views.search, name="search"),
    path("webhooks/", webhook_views.webhooks_page, name="webhooks"),
    path("unsubscribe/<str:token>/", views.unsubscribe, name="unsubscribe"),
]
