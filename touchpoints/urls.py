from django.urls import path

from . import views

urlpatterns = [
    path("tasks/", views.my_tasks, name="my-tasks"),
    path("tasks/<int:task_id>/complete/", views.task_complete, name="task-complete"),
]
