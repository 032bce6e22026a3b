from django.urls import path

from comcep import disclosure_views as views

app_name = "disclosures"

urlpatterns = [
    path("", views.disclosure_list, name="list"),
    path("nouvelle/", views.disclosure_request, name="request"),
    path("<int:pk>/", views.disclosure_detail, name="detail"),
    path("<int:pk>/decider/", views.disclosure_decide, name="decide"),
    path("<int:pk>/identite/", views.disclosure_reveal, name="reveal"),
]
