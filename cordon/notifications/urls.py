from django.urls import path

from cordon.notifications import views

app_name = "notifications"

urlpatterns = [
    path("", views.inbox, name="inbox"),
    path("todo/", views.todo, name="todo"),
    path("outbox/", views.outbox, name="outbox"),
    path("outbox/<int:pk>/retry/", views.outbox_retry, name="retry"),
    path("switches/", views.switches, name="switches"),
    path("preferences/", views.preferences, name="preferences"),
]
