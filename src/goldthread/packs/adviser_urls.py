"""The adviser's pack, across every council a person has a role in: /packs/adviser/..."""

from django.urls import path

from goldthread import converters  # noqa: F401 (registers <text:...> and <id:...>)

from . import views

app_name = "adviser_packs"
urlpatterns = [
    path("", views.adviser, name="home"),
    path("<id:adviser_pack_id>/", views.adviser_pack, name="pack"),
    path("<id:adviser_pack_id>/status/", views.adviser_status, name="status"),
    path("<id:adviser_pack_id>/download/", views.adviser_download, name="download"),
]
