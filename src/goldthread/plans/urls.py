"""A council's improvement plan: /councils/<la>/plan/..."""

from django.urls import path

from goldthread import converters  # noqa: F401 (registers <text:...> and <id:...>)

from . import views

app_name = "plans"
urlpatterns = [
    path("", views.home, name="home"),
    path("new/", views.new_plan, name="new"),
    path("edit/", views.edit_plan, name="edit"),
    path("recommendations/", views.recommendations, name="recommendations"),
    path("priorities/new/", views.priority_form, name="new_priority"),
    path("priorities/<id:priority_id>/", views.priority, name="priority"),
    path("priorities/<id:priority_id>/edit/", views.priority_form, name="edit_priority"),
    path("priorities/<id:priority_id>/thread/", views.thread, name="thread"),
    path("priorities/<id:priority_id>/actions/new/", views.action_form, name="new_action"),
    path("priorities/<id:priority_id>/measures/new/", views.measure_form, name="new_priority_measure"),
    path("actions/<id:action_id>/", views.action, name="action"),
    path("actions/<id:action_id>/edit/", views.action_form, name="edit_action"),
    path("actions/<id:action_id>/measures/new/", views.measure_form, name="new_action_measure"),
    path("teams/<text:team>/", views.team, name="team"),
    path("visits/", views.visits, name="visits"),
    path("visits/new/", views.new_visit, name="new_visit"),
    path("visits/<id:visit_id>/", views.visit, name="visit"),
    path("self-evaluation/", views.edit_self_evaluation, name="self_evaluation"),
]
