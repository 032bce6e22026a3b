from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PrivatespaceConfig(AppConfig):
    name = "privatespace"
    verbose_name = _("Espace privé")

    def ready(self) -> None:
        from comcep import datarights, navigation
        from comcep.roles import Role
        from privatespace import datarights as private_data

        datarights.register("espace-prive", export=private_data.export, erase=private_data.erase)

        navigation.register(
            _("Mon espace privé"), "privatespace:home", roles=Role.COMMUNITY,
            description=_("Vos favoris, vos fichiers et vos cours, visibles de vous seul·e."),
        )
        navigation.register(
            _("Cours"), "privatespace:catalogue", roles=Role.COMMUNITY,
            description=_("Les cours conçus par les membres : suivez-les à votre rythme."),
        )
