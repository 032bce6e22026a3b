from django.urls import path, re_path

from comcep.models import PUBLIC_ID_PATTERN
from forum import views

app_name = "forum"

urlpatterns = [
    path("", views.index, name="index"),
    path("recherche/", views.search_view, name="search"),
    path("categorie/<slug:slug>/", views.category_detail, name="category"),
    path("categorie/<slug:slug>/nouveau-sujet/", views.topic_new, name="topic_new"),
    path("categorie/<slug:slug>/suivre/", views.category_watch, name="category_watch"),
    path("mots-cles/<str:tag>/", views.tag_detail, name="tag"),
    path("sujet/<int:pk>/", views.topic_detail, name="topic"),
    path("sujet/<int:pk>/repondre/", views.reply, name="reply"),
    path("sujet/<int:pk>/suivre/", views.topic_watch, name="topic_watch"),
    path("sujet/<int:pk>/moderer/", views.topic_moderate, name="topic_moderate"),
    path("sujet/<int:pk>/deplacer/", views.topic_move, name="topic_move"),
    path("sujet/<int:pk>/fusionner/", views.topic_merge, name="topic_merge"),
    path("message/<int:pk>/", views.post_permalink, name="post"),
    path("message/<int:pk>/favori/", views.post_favourite, name="post_favourite"),
    path("message/<int:pk>/modifier/", views.post_edit, name="post_edit"),
    path("message/<int:pk>/historique/", views.post_history, name="post_history"),
    path("message/<int:pk>/merci/", views.post_thank, name="post_thank"),
    path("message/<int:pk>/accepter/", views.post_accept, name="post_accept"),
    path("message/<int:pk>/signaler/", views.post_flag, name="post_flag"),
    path("message/<int:pk>/masquer/", views.post_hide, name="post_hide"),
    path("message/<int:pk>/retablir/", views.post_restore, name="post_restore"),
    path("message/<int:pk>/masquer-passage/", views.post_redact, name="post_redact"),
    path("message/<int:pk>/ecarter/", views.flags_dismiss, name="flags_dismiss"),
    path("message/<int:pk>/demander-relecture/", views.post_review_request, name="post_review_request"),
    path("moderation/relecture/<int:pk>/", views.review_decide, name="review_decide"),
    path("brouillon/", views.draft_save, name="draft_save"),
    path("membres/autocompletion/", views.member_autocomplete, name="member_autocomplete"),
    # By the opaque public identifier only: a counted number (/membres/52/) finds nothing.
    re_path(rf"^membres/(?P<public_id>{PUBLIC_ID_PATTERN})/$", views.member_profile, name="member"),
    path("notifications/", views.notifications, name="notifications"),
    path("notifications/<int:pk>/", views.notification_open, name="notification_open"),
    path("notifications/tout-lu/", views.notifications_read_all, name="notifications_read_all"),
    path("notifications/preferences/", views.preferences, name="preferences"),
    path("desabonnement/<str:token>/", views.unsubscribe, name="unsubscribe"),
    path("moderation/", views.moderation_queue, name="moderation"),
    path("moderation/journal/", views.moderation_log, name="moderation_log"),
    path("moderation/signalement/<int:pk>/", views.flag_context, name="flag_context"),
    path("images/", views.attachment_upload, name="attachment_upload"),
    path("images/<int:pk>.<str:ext>", views.attachment_serve, name="attachment"),
]
