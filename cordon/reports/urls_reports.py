from django.urls import path

from cordon.reports import views_report

app_name = "reports"

urlpatterns = [
    path("daily/", views_report.daily, name="daily"),
    path("daily/generate/", views_report.daily_generate, name="daily_generate"),
    path("daily/report.xlsx", views_report.daily_download, {"fmt": "xlsx"}, name="daily_xlsx"),
    path("daily/report.json", views_report.daily_download, {"fmt": "json"}, name="daily_json"),
    path("daily/report.txt", views_report.daily_download, {"fmt": "txt"}, name="daily_txt"),
    path("status/", views_report.reporting_status, name="status"),
    path("status/deadline/", views_report.deadline_set, name="deadline_set"),
    path("daily/<int:pk>/remarks/", views_report.daily_remarks, name="daily_remarks"),
    path("daily/<int:pk>/send/", views_report.daily_send, name="daily_send"),
    path("daily/<int:pk>/correct/", views_report.daily_correct, name="daily_correct"),
]
