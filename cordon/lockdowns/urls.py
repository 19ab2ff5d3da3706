from django.urls import path

from cordon.lockdowns import views

app_name = "lockdowns"

urlpatterns = [
    path("", views.lockdown_list, name="list"),
    path("<int:pk>/", views.lockdown_detail, name="detail"),
    path("<int:pk>/lift/", views.lockdown_lift, name="lift"),
    path("<int:pk>/supplies/", views.supply_record, name="supply"),
    path("<int:pk>/rotation/", views.rotation_create, name="rotation"),
    path("<int:pk>/rotation/rebalance/", views.rotation_rebalance, name="rebalance"),
    path("passes/", views.pass_list, name="passes"),
    path("passes/new/", views.pass_apply, name="apply"),
    path("passes/<int:pk>/", views.pass_detail, name="pass"),
    path("passes/<int:pk>/decide/", views.pass_decide, name="decide"),
    path("passes/<int:pk>/revoke/", views.pass_revoke, name="revoke"),
    path("passes/<int:pk>/card/", views.pass_card, name="card"),
    path("gate/<int:pk>/", views.gate_pass, name="gate_pass"),
    path("gate/scan/", views.gate_scan, name="gate_scan"),
    path("gate/<int:pk>/revoked.json", views.gate_revoked, name="gate_revoked"),
]
