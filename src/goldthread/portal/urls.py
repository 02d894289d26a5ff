"""Pages of one council: /councils/<la>/..."""

from django.urls import path

from goldthread import converters  # noqa: F401 (registers <text:...> and <id:...>)

from . import (
    breakdown_views,
    extract_views,
    frontsheet_views,
    people_views,
    settings_views,
    upload_views,
    views,
)

app_name = "portal"
urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("measures/<str:measure_id>/", views.measure, name="measure"),
    path("measures/<str:measure_id>/children/", views.measure_children, name="measure_children"),
    path("measures/<str:measure_id>/by/<str:dimension_id>/", breakdown_views.measure_breakdown,
         name="measure_breakdown"),
    path("measures/<str:measure_id>/by/<str:dimension_id>/children/", breakdown_views.breakdown_children,
         name="breakdown_children"),
    path("disproportionality/", breakdown_views.disproportionality, name="disproportionality"),
    path("disproportionality/population/", breakdown_views.population_by_group, name="population_by_group"),
    path("children/<text:child_id>/", views.child, name="child"),
    path("workforce/", views.workforce, name="workforce"),
    path("upload/", upload_views.upload, name="upload"),
    path("uploads/<id:upload_id>/", upload_views.report, name="upload_report"),
    path("uploads/<id:upload_id>/issues.xlsx", upload_views.issues_spreadsheet, name="upload_issues"),
    path("uploads/<id:upload_id>/status/", upload_views.status, name="upload_status"),
    path("extracts/", extract_views.extracts, name="extracts"),
    path("extracts/<id:extract_id>/", extract_views.extract, name="extract"),
    path("settings/", settings_views.council_settings, name="settings"),
    path("access-log/", views.access_log, name="access_log"),
    path("people/", people_views.people, name="people"),
    path("front-sheet/", frontsheet_views.front_sheet_page, name="front_sheet"),
]
