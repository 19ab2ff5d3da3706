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
    path("groups/", views.groups, name="groups"),
    path("groups/<int:pk>/test/", views.group_test, name="group_test"),
    path("groups/<int:pk>/enable/", views.group_enable, name="group_enable"),
]
