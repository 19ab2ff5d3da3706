"""The teams' stock: overview, stores' ledgers, movements, deliveries to sealed gates, items."""

from django.urls import path

from cordon.stock import views

app_name = "stock"

urlpatterns = [
    path("", views.index, name="index"),
    path("stores/<int:pk>/", views.store_detail, name="store"),
    path("receive/", views.move, {"kind": "receive"}, name="receive"),
    path("issue/", views.move, {"kind": "issue"}, name="issue"),
    path("use/", views.move, {"kind": "use"}, name="use"),
    path("deliveries/<int:pk>/", views.delivery_issue, name="delivery"),
    path("items/", views.item_list, name="items"),
]
