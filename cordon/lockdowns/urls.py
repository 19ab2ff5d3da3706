from django.urls import path

from cordon.lockdowns import views

app_name = "lockdowns"

urlpatterns = [
    path("", views.lockdown_list, name="list"),
    path("<int:pk>/lift/", views.lockdown_lift, name="lift"),
    path("passes/", views.pass_list, name="passes"),
    path("passes/new/", views.pass_apply, name="apply"),
    path("passes/<int:pk>/", views.pass_detail, name="pass"),
    path("passes/<int:pk>/decide/", views.pass_decide, name="decide"),
    path("passes/<int:pk>/revoke/", views.pass_revoke, name="revoke"),
    path("passes/<int:pk>/card/", views.pass_card, name="card"),
    path("gate/<int:pk>/", views.gate_pass, name="gate_pass"),
]
