from django.urls import path

from cordon.colours import views

app_name = "colours"

urlpatterns = [path("rules/", views.rules_page, name="rules")]
