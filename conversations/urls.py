from django.urls import path

from conversations import views

app_name = "conversations"

urlpatterns = [
    path("", views.index, name="index"),
    path("nouvelle/", views.new, name="new"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/repondre/", views.reply, name="reply"),
    path("<int:pk>/ajouter/", views.add, name="add"),
    path("<int:pk>/quitter/", views.leave, name="leave"),
    path("<int:pk>/sourdine/", views.mute, name="mute"),
    path("<int:pk>/signaler/<int:message_pk>/", views.report, name="report"),
    path("signalements/", views.reports, name="reports"),
    path("signalements/<int:report_pk>/", views.reported, name="reported"),
    path("images/<int:pk>.<str:ext>", views.image, name="image"),
    path("bloquer/<str:public_id>/", views.block, name="block"),
]
