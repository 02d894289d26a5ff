"""A council's improvement plan: /councils/<la>/plan/..."""

from django.urls import path

from . import views

app_name = "plans"
urlpatterns = [
    path("", views.home, name="home"),
    path("new/", views.new_plan, name="new"),
    path("edit/", views.edit_plan, name="edit"),
    path("recommendations/", views.recommendations, name="recommendations"),
    path("priorities/new/", views.priority_form, name="new_priority"),
    path("priorities/<int:priority_id>/", views.priority, name="priority"),
    path("priorities/<int:priority_id>/edit/", views.priority_form, name="edit_priority"),
    path("priorities/<int:priority_id>/thread/", views.thread, name="thread"),
    path("priorities/<int:priority_id>/actions/new/", views.action_form, name="new_action"),
    path("priorities/<int:priority_id>/measures/new/", views.measure_form, name="new_priority_measure"),
    path("actions/<int:action_id>/", views.action, name="action"),
    path("actions/<int:action_id>/edit/", views.action_form, name="edit_action"),
    path("actions/<int:action_id>/measures/new/", views.measure_form, name="new_action_measure"),
    path("teams/<str:team>/", views.team, name="team"),
    path("visits/", views.visits, name="visits"),
    path("visits/new/", views.new_visit, name="new_visit"),
    path("visits/<int:visit_id>/", views.visit, name="visit"),
]
