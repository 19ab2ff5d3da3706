from django.urls import path

from cordon.checkpoints import views, views_duty, views_gate, views_visit

app_name = "checkpoints"

urlpatterns = [
    path("", views.checkpoint_list, name="list"),
    path("new/", views.checkpoint_create, name="create"),
    path("passages/", views_gate.town_counts, name="counts"),
    path("field-sw.js", views_gate.field_service_worker, name="field_sw"),
    path("on-duty/", views_duty.on_duty, name="on_duty"),
    path("shifts/<int:pk>/delete/", views_duty.shift_delete, name="shift_delete"),
    path("<int:pk>/roster/", views_duty.roster, name="roster"),
    path("<int:pk>/", views.checkpoint_detail, name="detail"),
    path("<int:pk>/edit/", views.checkpoint_edit, name="edit"),
    path("<int:pk>/gate/", views_gate.gate, name="gate"),
    path("<int:pk>/gate/check/", views_gate.gate_check, name="gate_check"),
    path("<int:pk>/gate/flags.json", views_gate.gate_flags, name="gate_flags"),
    path("<int:pk>/gate/visit-qr/", views_visit.visit_qr, name="visit_qr"),
    path("<int:pk>/gate/visits/<int:visit>/dismiss/", views_visit.visit_dismiss, name="visit_dismiss"),
    path("<int:pk>/gate/batch/", views_gate.gate_batch, name="gate_batch"),
    path("<int:pk>/passages/", views_gate.day_list, name="passages"),
]
