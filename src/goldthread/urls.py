from django.contrib import admin
from django.urls import path

from goldthread.councils import views as council_views

urlpatterns = [
    path("", council_views.measure_list, name="home"),
    path("admin/", admin.site.urls),
]
