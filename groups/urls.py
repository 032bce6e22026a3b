from django.urls import path

from groups import views

app_name = "groups"

urlpatterns = [
    path("", views.directory, name="directory"),
    path("mes-groupes/", views.mine, name="mine"),
    path("nouveau/", views.new, name="new"),
    path("<slug:slug>/", views.detail, name="detail"),
    path("<slug:slug>/rejoindre/", views.join, name="join"),
    path("<slug:slug>/invitation/", views.answer_invitation, name="answer_invitation"),
    path("<slug:slug>/membres/", views.members, name="members"),
    path("<slug:slug>/membres/<str:action>/", views.manage, name="manage"),
    path("<slug:slug>/quitter/", views.leave, name="leave"),
    path("<slug:slug>/fichiers/", views.files, name="files"),
    path("<slug:slug>/fichiers/<int:pk>/", views.file_serve, name="file"),
    path("<slug:slug>/fichiers/<int:pk>/retirer/", views.file_delete, name="file_delete"),
]
