from django.urls import path

from . import views

urlpatterns = [
    path("surveys/", views.plan_list, name="survey-plans"),
    path("surveys/plans/<int:plan_id>/", views.plan_detail, name="survey-plan"),
    path("surveys/plans/<int:plan_id>/sample/", views.plan_sample, name="survey-plan-sample"),
    path("surveys/plans/<int:plan_id>/close/", views.plan_close, name="survey-plan-close"),
    path("surveys/respondents/<int:respondent_id>/answer/", views.staff_answer, name="survey-staff-answer"),
    path("surveys/report/", views.report, name="survey-report"),
    path("surveys/indicators/", views.indicators, name="survey-indicators"),
    path("surveys/improvements/", views.improvement_list, name="survey-improvements"),
    path("surveys/improvements/new/", views.improvement_create, name="survey-improvement-create"),
    path("surveys/improvements/<int:plan_id>/", views.improvement_detail, name="survey-improvement"),
    path("surveys/scorecard/", views.scorecard, name="survey-scorecard"),
    path("s/<str:token>/", views.public_survey, name="public-survey"),
]
