from django.urls import path

from cordon.retention import views

app_name = "retention"

urlpatterns = [
    path("", views.index, name="index"),
    path("run/", views.run, name="run"),
]
