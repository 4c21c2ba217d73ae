from django.urls import path

from . import views

urlpatterns = [
    path("tasks/", views.my_tasks, name="my-tasks"),
    path("tasks/<int:task_id>/complete/", views.task_complete, name="task-complete"),
    path("tasks/<int:task_id>/take/", views.task_take, name="task-take"),
    path("tasks/assign/", views.tasks_assign, name="tasks-assign"),
    path(
        "projects/<int:project_id>/service/check/answers/",
        views.check_answers_add,
        name="check-answers-add",
    ),
    path("projects/<int:project_id>/service/", views.project_board, name="project-service-board"),
    path("projects/<int:project_id>/service/plan/", views.plan_item_add, name="plan-item-add"),
    path("projects/<int:project_id>/service/check/", views.quarterly_check, name="quarterly-check"),
    path(
        "projects/<int:project_id>/service/plan/<int:item_id>/attendees/",
        views.plan_item_attendees,
        name="plan-item-attendees",
    ),
]
