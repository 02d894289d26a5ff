"""Pages of one council: /councils/<la>/..."""

from django.urls import path

from . import people_views, settings_views, upload_views, views

app_name = "portal"
urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("measures/<str:measure_id>/", views.measure, name="measure"),
    path("measures/<str:measure_id>/children/", views.measure_children, name="measure_children"),
    path("children/<str:child_id>/", views.child, name="child"),
    path("workforce/", views.workforce, name="workforce"),
    path("upload/", upload_views.upload, name="upload"),
    path("uploads/<int:upload_id>/", upload_views.report, name="upload_report"),
    path("uploads/<int:upload_id>/issues.xlsx", upload_views.issues_spreadsheet, name="upload_issues"),
    path("uploads/<int:upload_id>/status/", upload_views.status, name="upload_status"),
    path("settings/", settings_views.council_settings, name="settings"),
    path("access-log/", views.access_log, name="access_log"),
    path("people/", people_views.people, name="people"),
]
