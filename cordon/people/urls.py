from django.urls import path

from cordon.people import views, views_imports, views_ledgers

app_name = "people"

urlpatterns = [
    path("", views.search, name="search"),
    path("pick/", views.pick, name="pick"),
    path("register/", views.register, name="register"),
    path("register/lookup/", views.lookup, name="lookup"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/edit/", views.edit, name="edit"),
    path("<int:pk>/household/", views.household, name="household"),
    path("<int:pk>/merge/", views.merge, name="merge"),
    path("arrivals/<int:pk>/reclassify/", views.reclassify, name="reclassify"),
    path("ledgers/", views_ledgers.ledger, name="ledger"),
    path("ledgers/counts/", views_ledgers.ledger_counts, name="ledger_counts"),
    path("ledgers/export/", views_ledgers.export, name="export"),
    path("ledgers/categories/", views_ledgers.categories, name="categories"),
    path("imports/", views_imports.imports, name="imports"),
    path("imports/template.xlsx", views_imports.template, name="import_template"),
    path("imports/<int:pk>/", views_imports.job, name="import_job"),
    path("imports/<int:pk>/progress/", views_imports.progress, name="import_progress"),
    path("imports/<int:pk>/mapping/", views_imports.mapping, name="import_mapping"),
    path("imports/<int:pk>/commit/", views_imports.commit, name="import_commit"),
    path("imports/<int:pk>/rejected.xlsx", views_imports.rejected, name="import_rejected"),
    path("exports/<int:pk>/", views_ledgers.export_job, name="export_job"),
    path("exports/<int:pk>/download/", views_ledgers.export_download, name="export_download"),
]
