from django.urls import path

from comcep import legal_views

app_name = "legal"

# The prefixes are those CharterMiddleware lets through (comcep.legal.CharterMiddleware).
urlpatterns = [
    path("charte/", legal_views.charter, name="charter"),
    path("charte/accepter/", legal_views.accept_charter, name="accept_charter"),
    path("confidentialite/", legal_views.privacy, name="privacy"),
    path("donnees-conservees/", legal_views.retention, name="retention"),
    path("mentions-legales/", legal_views.legal_notice, name="legal_notice"),
    path("accessibilite/", legal_views.accessibility, name="accessibility"),
    path("transparence/", legal_views.transparency, name="transparency"),
]
