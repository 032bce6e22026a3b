from django.urls import path

from comcep import data_views

app_name = "datarights"

urlpatterns = [
    path("", data_views.my_data, name="my_data"),
    path("export/", data_views.request_export, name="request_export"),
    path("export/<uuid:key>/", data_views.download_export, name="download"),
    path("fermer/", data_views.close_account, name="close_account"),
]
