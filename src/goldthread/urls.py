from django.urls import include, path

from goldthread.portal import overview_views, pooled_views
from goldthread.portal import views as portal

handler403 = "goldthread.portal.views.forbidden"
handler404 = "goldthread.portal.views.not_found"
handler500 = "goldthread.portal.views.server_error"

urlpatterns = [
    path("", portal.home, name="home"),
    path("measures/", portal.measure_definitions, name="measure_definitions"),
    path("overview/", overview_views.overview_page, name="overview"),
    path("overview/measures/", pooled_views.pooled_page, name="pooled"),
    path("accounts/", include("goldthread.accounts.urls")),
    path("councils/<str:la>/audits/", include("goldthread.audits.urls")),
    path("councils/<str:la>/plan/", include("goldthread.plans.urls")),
    path("councils/<str:la>/packs/", include("goldthread.packs.urls")),
    path("packs/adviser/", include("goldthread.packs.adviser_urls")),
    path("councils/<str:la>/", include("goldthread.portal.urls")),
    path("national/", include("goldthread.national.urls")),
    path("healthz", portal.health, name="health"),
]
