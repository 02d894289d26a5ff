"""The national pages: /national/..."""

from django.urls import path

from . import views

app_name = "national"
urlpatterns = [
    path("", views.rug, name="rug"),
    path("indicators/", views.indicators, name="indicators"),
    path("councils/<str:la>/", views.council, name="council"),
    path("risk/", views.risk, name="risk"),
    path("journeys/", views.journeys, name="journeys"),
    path("interventions/", views.interventions, name="interventions"),
    path("interventions/new/", views.intervention_new, name="intervention_new"),
    path("interventions/<int:intervention_id>/edit/", views.intervention_edit, name="intervention_edit"),
    path("interventions/import/", views.intervention_import, name="intervention_import"),
    path("interventions/template.csv", views.intervention_template, name="intervention_template"),
]
