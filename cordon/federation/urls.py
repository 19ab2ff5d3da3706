from django.urls import path

from cordon.federation import views

app_name = "federation"

urlpatterns = [
    path("", views.index, name="index"),
    path("peers/", views.peer_add, name="peer_add"),
    path("import/", views.package_import, name="import"),
]
