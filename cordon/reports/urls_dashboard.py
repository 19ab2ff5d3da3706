from django.urls import path

from cordon.reports import views_dashboard

app_name = "dashboard"

urlpatterns = [
    path("", views_dashboard.index, name="index"),
]
