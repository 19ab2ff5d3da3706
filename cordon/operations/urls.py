"""Disinfection, counselling, notices and rumour rebuttals."""

from django.urls import path

from cordon.operations import views_counselling, views_disinfection, views_notices

app_name = "operations"

urlpatterns = [
    path("", views_disinfection.index, name="index"),
    path("disinfection/", views_disinfection.task_list, name="tasks"),
    path("disinfection/new/", views_disinfection.task_new, name="task_new"),
    path("disinfection/<int:pk>/", views_disinfection.task_detail, name="task"),
    path("disinfection/<int:pk>/round/", views_disinfection.round_record, name="round_record"),
    path("disinfection/<int:pk>/photo/<int:round_pk>/", views_disinfection.round_photo, name="round_photo"),
    path("disinfection/from-case/<int:case_pk>/", views_disinfection.from_case, name="from_case"),
    path("counselling/", views_counselling.session_list, name="sessions"),
    path("counselling/new/", views_counselling.session_new, name="session_new"),
    path("counselling/<int:pk>/", views_counselling.session_detail, name="session"),
    path("notices/", views_notices.notice_list, name="notices"),
    path("notices/new/", views_notices.notice_new, name="notice_new"),
    path("notices/<int:pk>/", views_notices.notice_detail, name="notice"),
    path("notices/<int:pk>/edit/", views_notices.notice_edit, name="notice_edit"),
    path("notices/<int:pk>/publish/", views_notices.notice_publish, name="notice_publish"),
    path("notices/<int:pk>/poster/", views_notices.notice_poster, name="notice_poster"),
    path("rumours/", views_notices.rumour_list, name="rumours"),
    path("rumours/new/", views_notices.rumour_new, name="rumour_new"),
    path("rumours/<int:pk>/", views_notices.rumour_detail, name="rumour"),
    path("rumours/<int:pk>/verify/", views_notices.rumour_verify, name="rumour_verify"),
    path("rumours/<int:pk>/rebut/", views_notices.rumour_rebut, name="rumour_rebut"),
]
