from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PrivatespaceConfig(AppConfig):
    name = "privatespace"
    verbose_name = _("Espace privé")

    def ready(self) -> None:
        from comcep import datarights, extras, navigation
        from comcep.roles import Role
        from privatespace import datarights as private_data
        from privatespace import extras as private_extras
        from privatespace import home as private_home

        datarights.register("espace-prive", export=private_data.export, erase=private_data.erase)
        private_home.register()

        # The favourite button, shown by the pages of what a member may keep.
        for model in private_extras.FAVOURITE_MODELS:
            extras.register(model, slot="actions", template="privatespace/partials/_favourite_button.html",
                            context=private_extras.favourite_extra)

        navigation.register(
            _("Mon espace privé"), "privatespace:home", roles=Role.COMMUNITY,
            description=_("Vos favoris, vos fichiers et vos cours, visibles de vous seul·e."),
        )
        navigation.register(
            _("Cours"), "privatespace:catalogue", roles=Role.COMMUNITY,
            description=_("Les cours conçus par les membres : suivez-les à votre rythme."),
        )
