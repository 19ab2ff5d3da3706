from django.urls import path

from cordon.cases import views, views_quarantine

app_name = "cases"

urlpatterns = [
    path("", views.case_list, name="list"),
    path("new/", views.case_new, name="new"),
    path("<int:pk>/", views.case_detail, name="detail"),
    path("<int:pk>/classify/", views.case_classify, name="classify"),
    path("<int:pk>/update/", views.case_update, name="update"),
    path("<int:pk>/identify/", views.case_identify, name="identify"),
    path("<int:pk>/contacts/", views.contacts_add, name="contacts_add"),
    path("<int:pk>/chain/", views.chain_page, name="chain"),
    path("<int:pk>/chain.json", views.chain_json, name="chain_json"),
    path("contacts/<int:pk>/to-case/", views.contact_to_case, name="to_case"),
    path("contacts/<int:pk>/remove/", views.contact_remove, name="contact_remove"),
    path("contacts/<int:pk>/place/", views_quarantine.contact_place, name="place"),
    path("sites/", views_quarantine.site_list, name="sites"),
    path("sites/new/", views_quarantine.site_form, name="site_new"),
    path("sites/<int:pk>/", views_quarantine.site_detail, name="site"),
    path("sites/<int:pk>/edit/", views_quarantine.site_form, name="site_edit"),
    path("placements/<int:pk>/release/", views_quarantine.placement_release, name="release"),
    path("placements/<int:pk>/end/", views_quarantine.placement_end, name="placement_end"),
]
