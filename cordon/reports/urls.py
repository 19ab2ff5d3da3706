from django.urls import path

from cordon.reports import views

urlpatterns = [
    path("", views.home, name="home"),
]
