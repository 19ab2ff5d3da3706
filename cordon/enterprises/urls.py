from django.urls import path

from cordon.enterprises import views, views_inspections

app_name = "enterprises"

urlpatterns = [
    path("", views.index, name="index"),
    path("export/", views.export, name="export"),
    path("new/", views.enterprise_new, name="new"),
    path("<int:pk>/", views.enterprise_detail, name="detail"),
    path("<int:pk>/edit/", views.enterprise_edit, name="edit"),
    path("<int:pk>/apply/", views.application_new, name="apply"),
    path("<int:pk>/suspend/", views.enterprise_suspend, name="suspend"),
    path("<int:pk>/resume/", views.enterprise_resume, name="resume"),
    path("<int:pk>/inspect/", views_inspections.inspection_new, name="inspect"),
    path("applications/<int:pk>/decide/", views.application_decide, name="decide"),
    path("findings/<int:pk>/rectify/", views_inspections.finding_rectify, name="rectify"),
    path("findings/<int:pk>/photo/", views_inspections.finding_photo, name="photo"),
]
