from django.urls import path

from cordon.federation import views

app_name = "federation"

urlpatterns = [
    path("", views.index, name="index"),
    path("peers/", views.peer_add, name="peer_add"),
    path("import/", views.package_import, name="import"),
    path("handovers/", views.handover_list, name="handovers"),
    path("handovers/new/", views.handover_new, name="handover_new"),
    path("handovers/<int:pk>/accept/", views.handover_accept, name="handover_accept"),
    path("handovers/<int:pk>/decline/", views.handover_decline, name="handover_decline"),
]
