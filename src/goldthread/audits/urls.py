"""Case audits of one council: /councils/<la>/audits/..."""

from django.urls import path

from goldthread import converters  # noqa: F401 (registers <text:...> and <id:...>)

from . import views

app_name = "audits"
urlpatterns = [
    path("", views.home, name="home"),
    path("tools/", views.tools, name="tools"),
    path("tools/<id:tool_id>/", views.tool, name="tool"),
    path("programmes/new/", views.new_programme, name="new_programme"),
    path("programmes/<id:programme_id>/", views.programme, name="programme"),
    path("programmes/<id:programme_id>/results.xlsx", views.programme_results, name="programme_results"),
    path("actions/", views.actions, name="actions"),
    path("actions/<id:action_id>/", views.action, name="action"),
    path("learning/", views.learning, name="learning"),
    path("<id:audit_id>/", views.audit, name="audit"),
    path("<id:audit_id>/conduct/", views.conduct, name="conduct"),
    path("<id:audit_id>/reflection/", views.reflection, name="reflection"),
    path("<id:audit_id>/moderate/", views.moderate, name="moderate"),
    path("<id:audit_id>/actions/new/", views.new_action, name="new_action"),
    path("<id:audit_id>/reaudit/", views.reaudit, name="reaudit"),
    path("<id:audit_id>/audit.pdf", views.audit_pdf, name="audit_pdf"),
    path("<id:audit_id>/audit.docx", views.audit_docx, name="audit_docx"),
]
