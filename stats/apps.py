from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class StatsConfig(AppConfig):
    """Figures for those who steer the platform. At the top: it reads every app, none reads it."""

    name = "stats"
    verbose_name = _("Statistiques")

    def ready(self) -> None:
        from comcep import navigation
        from comcep.roles import Role

        navigation.register(_("Tableau de bord"), "stats:dashboard",
                            roles={Role.PLATFORM_MANAGER}, area="manager")
        navigation.register(_("Statistiques du réseau"), "stats:operator_home",
                            roles={Role.OPERATOR_MANAGER}, area="manager")
