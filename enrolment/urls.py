from django.urls import path

from enrolment import views

app_name = "enrolment"

urlpatterns = [
    path("", views.apply, name="apply"),
    path("ma-candidature/", views.status, name="status"),
    path("ma-candidature/appel/", views.appeal_mine, name="appeal_mine"),
    path("appel/<str:token>/", views.appeal, name="appeal"),
    path("operateur/", views.operator_queue, name="operator_queue"),
    path("operateur/accepter/", views.operator_bulk_approve, name="operator_bulk_approve"),
    path("operateur/<int:pk>/", views.operator_detail, name="operator_detail"),
    path("operateur/<int:pk>/accepter/", views.operator_approve, name="operator_approve"),
    path("operateur/<int:pk>/refuser/", views.operator_refuse, name="operator_refuse"),
    path("operateur/<int:pk>/motif/", views.operator_give_reason, name="operator_give_reason"),
    path("operateur/<int:pk>/fin-adhesion/", views.operator_end_membership,
         name="operator_end_membership"),
    path("plateforme/", views.platform_queue, name="platform_queue"),
    path("plateforme/<int:pk>/", views.platform_detail, name="platform_detail"),
    path("plateforme/<int:pk>/demander-motif/", views.platform_request_reason,
         name="platform_request_reason"),
    path("plateforme/<int:pk>/decider/", views.platform_decide, name="platform_decide"),
    path("plateforme/<int:pk>/relancer/", views.platform_nudge, name="platform_nudge"),
    path("plateforme/regions/", views.regions, name="regions"),
    path("plateforme/regions/<int:pk>/phase/", views.region_phase, name="region_phase"),
    path("plateforme/invitations/", views.invite, name="invite"),
]
