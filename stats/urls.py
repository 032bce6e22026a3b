from django.urls import path

from stats import views

app_name = "stats"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("export/<slug:slug>.csv", views.dashboard_csv, name="dashboard_csv"),
    path("repartition/", views.cost_share, name="cost_share"),
    path("repartition/<int:pk>/signer/", views.cost_share_sign, name="cost_share_sign"),
    path("reseau/", views.operator_home, name="operator_home"),
    path("reseau/<slug:slug>/", views.operator, name="operator"),
    path("reseau/<slug:slug>/<slug:table>.csv", views.operator_csv, name="operator_csv"),
]
