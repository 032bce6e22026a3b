from django.contrib import admin
from django.urls import include, path
from django.views.i18n import set_language

from comcep import views
from comcep.accounts import needs_mfa

# The admin signs in through allauth, so its rate limits and MFA apply there too.
admin.site.login = views.admin_login  # type: ignore[method-assign]
admin.site.has_permission = lambda request: (  # type: ignore[method-assign]
    request.user.is_active and request.user.is_staff and not needs_mfa(request.user)
)
admin.site.site_header = "Comcep — administration"

urlpatterns = [
    path("", views.home, name="home"),
    path("communaute/", views.community, name="community"),
    path("communaute/pseudonyme/", views.choose_pseudonym, name="choose_pseudonym"),
    path("communaute/profil/", views.edit_profile, name="edit_profile"),
    path("healthz", views.healthz, name="healthz"),
    path("favicon.ico", views.favicon, name="favicon"),
    path("langue/", set_language, name="set_language"),
    path("compte/donnees/", include("comcep.data_urls")),
    path("compte/", include("allauth.urls")),
    path("", include("comcep.legal_urls")),
    path("candidature/", include("enrolment.urls")),
    path("forum/", include("forum.urls")),
    path("ressources/", include("resources.urls")),
    path("espace-prive/", include("privatespace.urls")),
    path("conversations/", include("conversations.urls")),
    path("groupes/", include("groups.urls")),
    path("evenements/", include("events.urls")),
    path("gestion/statistiques/", include("stats.urls")),
    path("gestion/admin/", admin.site.urls),
    path("gestion/levees-de-pseudonyme/", include("comcep.disclosure_urls")),
]

handler403 = "comcep.views.error_403"
handler404 = "comcep.views.error_404"
handler500 = "comcep.views.error_500"
