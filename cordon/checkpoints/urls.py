from django.urls import path

from cordon.checkpoints import views

app_name = "checkpoints"

urlpatterns = [
    path("", views.checkpoint_list, name="list"),
    path("new/", views.checkpoint_create, name="create"),
    path("<int:pk>/", views.checkpoint_detail, name="detail"),
    path("<int:pk>/edit/", views.checkpoint_edit, name="edit"),
]
