"""The national pages: /national/..."""

from django.urls import path

from goldthread import converters  # noqa: F401 (registers <text:...> and <id:...>)

from . import views

app_name = "national"
urlpatterns = [
    path("", views.rug, name="rug"),
    path("indicators/", views.indicators, name="indicators"),
    path("councils/<str:la>/", views.council, name="council"),
    path("risk/", views.risk, name="risk"),
    path("risk/slipping-from-good/", views.watchlist, name="watchlist"),
    path("journeys/", views.journeys, name="journeys"),
    path("interventions/", views.interventions, name="interventions"),
    path("interventions/new/", views.intervention_new, name="intervention_new"),
    path("interventions/<id:intervention_id>/edit/", views.intervention_edit, name="intervention_edit"),
    path("interventions/import/", views.intervention_import, name="intervention_import"),
    path("interventions/template.csv", views.intervention_template, name="intervention_template"),
    path("interventions/<id:intervention_id>/correction/", views.intervention_propose, name="intervention_propose"),
    path("interventions/corrections/", views.proposals, name="proposals"),
    path("interventions/corrections/<id:proposal_id>/", views.proposal, name="proposal"),
]
