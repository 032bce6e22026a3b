from django.urls import path

from resources import views

app_name = "resources"

urlpatterns = [
    path("", views.resource_list, name="list"),
    path("proposer/", views.propose, name="propose"),
    path("proposer/video/", views.upload_video, name="upload_video"),
    path("a-relire/", views.review_queue, name="review_queue"),
    path("<int:pk>/", views.resource_detail, name="detail"),
    path("<int:pk>/a/<int:start>/", views.resource_detail, name="detail_at"),
    path("<int:pk>/versions/comparer/", views.compare_versions, name="compare_versions"),
    path("<int:pk>/suivre/", views.follow_text, name="follow_text"),
    path("<int:pk>/versions/nouvelle/", views.add_version, name="add_version"),
    path("<int:pk>/versions/<int:version_pk>/note/", views.version_note, name="version_note"),
    path("<int:pk>/modifier/", views.edit, name="edit"),
    path("<int:pk>/publier/", views.publish, name="publish"),
    path("<int:pk>/refuser/", views.decline, name="decline"),
    path("<int:pk>/retirer/", views.withdraw, name="withdraw"),
    path("<int:pk>/video/etat/", views.video_status, name="video_status"),
    path("<int:pk>/video/sous-titres/", views.add_caption, name="add_caption"),
    path("<int:pk>/video/chapitres/", views.set_chapters, name="set_chapters"),
    path("<int:pk>/video/relancer/", views.retry_video, name="retry_video"),
    path("<int:pk>/fichiers/<str:name>", views.media, name="media"),
    path("veille/", views.watch_page, name="watch"),
    path("veille/flux/<str:token>.atom", views.watch_feed, name="watch_feed"),
    path("veille/themes/<slug:slug>/suivre/", views.follow_theme, name="follow_theme"),
    path("veille/suivis/<int:pk>/retirer/", views.unfollow, name="unfollow"),
    path("notifications/<int:pk>/", views.notice_open, name="notice_open"),
    path("actions/", views.actions, name="actions"),
    path("actions/calendrier/", views.actions_calendar, name="actions_calendar"),
    path("actions/calendrier/<int:year>/<int:month>/", views.actions_calendar, name="actions_calendar_month"),
    path("actions/gerer/", views.actions_manage, name="actions_manage"),
    path("actions/gerer/nouvelle/", views.action_create, name="action_create"),
    path("actions/<int:pk>/modifier/", views.action_edit, name="action_edit"),
    path("actions/<int:pk>/annuler/", views.action_cancel, name="action_cancel"),
    path("actions/<int:pk>/agenda.ics", views.action_ics, name="action_ics"),
    path("actions/<int:pk>/garder/", views.action_save, name="action_save"),
]
