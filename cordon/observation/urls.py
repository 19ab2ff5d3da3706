from django.urls import path

from cordon.observation import views, views_followup, views_lab, views_period, views_protocol

app_name = "observation"

urlpatterns = [
    path("", views.triage, name="triage"),
    path("round/", views.round_page, name="round"),
    path("complete/", views.complete_many, name="complete_many"),
    path("open/<int:person_pk>/", views.open_period, name="open"),
    path("protocol/", views_protocol.protocol_page, name="protocol"),
    path("replan/", views_protocol.replan_many, name="replan"),
    path("periods/<int:pk>/", views_period.detail, name="period"),
    path("periods/<int:pk>/assign/", views_followup.assign, name="assign"),
    path("follow-up/", views_followup.mine, name="follow_up_mine"),
    path("lab-results/", views_lab.lab_results, name="lab_results"),
    path("lab-results/<int:pk>/", views_lab.lab_job, name="lab_job"),
    path("lab-results/<int:pk>/import/", views_lab.lab_commit, name="lab_commit"),
    path("lab-results/<int:pk>/progress/", views_lab.lab_progress, name="lab_progress"),
    path("lab-results/<int:pk>/rejected.xlsx", views_lab.lab_rejected, name="lab_rejected"),
    path("follow-up/load/", views_followup.load, name="follow_up_load"),
    path("periods/<int:pk>/check/", views.check, name="check"),
    path("periods/<int:pk>/end/", views_period.set_end, name="set_end"),
    path("periods/<int:pk>/transfer/", views_period.transfer, name="transfer"),
    path("periods/<int:pk>/close/", views_period.close, name="close"),
    path("periods/<int:pk>/complete/", views_period.complete, name="complete"),
    path("periods/<int:pk>/waive-tests/", views_period.waive_tests, name="waive_tests"),
    path("periods/<int:pk>/replan/", views_period.replan, name="replan_one"),
    path("periods/<int:pk>/tests/", views_period.test_record, name="test_record"),
    path("periods/<int:pk>/link/", views_period.link_create, name="link_create"),
    path("periods/<int:pk>/reminder/", views_period.reminder, name="reminder"),
    path("periods/<int:pk>/notice/", views_period.notice, name="notice"),
    path("tests/<int:pk>/result/", views_period.test_result, name="test_result"),
    path("alerts/<int:pk>/close/", views_period.alert_close, name="alert_close"),
    path("links/<int:pk>/revoke/", views_period.link_revoke, name="link_revoke"),
]
