from django.urls import path

from events import views

app_name = "events"

urlpatterns = [
    path("", views.index, name="index"),
    path("nouveau/", views.new, name="new"),
    path("preferences/", views.preferences, name="preferences"),
    path("agenda/<str:token>.ics", views.feed, name="feed"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/inscription/", views.register, name="register"),
    path("<int:pk>/desinscription/", views.unregister, name="unregister"),
    path("<int:pk>/evenement.ics", views.event_ics, name="ics"),
    path("<int:pk>/questions/<int:post_pk>/vote/", views.vote, name="vote"),
    path("<int:pk>/enregistrement/", views.recording, name="recording"),
]
