"""A council's packs: /councils/<la>/packs/..."""

from django.urls import path

from goldthread import converters  # noqa: F401 (registers <text:...> and <id:...>)

from . import views

app_name = "packs"
urlpatterns = [
    path("", views.home, name="home"),
    path("new/", views.new, name="new"),
    path("<id:pack_id>/", views.pack, name="pack"),
    path("<id:pack_id>/status/", views.status, name="status"),
    path("<id:pack_id>/download/", views.download, name="download"),
    path("settings/<text:kind>/", views.settings, name="settings"),
]
