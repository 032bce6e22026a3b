from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ComcepConfig(AppConfig):
    name = "comcep"
    verbose_name = _("Comcep")

    def ready(self) -> None:
        from comcep import navigation, search, signals
        from comcep.roles import Role

        signals.connect_group_changes()
        search.register_lookups()  # ``__folded``: accent- and case-insensitive equality
        from django.contrib.auth.signals import user_logged_in

        from comcep import legal

        # The charter acceptance is looked up once, at sign-in (comcep.legal.CharterMiddleware).
        user_logged_in.connect(legal.note_charter_at_sign_in, dispatch_uid="legal-charter")
        navigation.register(_("Levées de pseudonyme"), "disclosures:list",
                            roles={Role.PLATFORM_MANAGER}, area="manager")
