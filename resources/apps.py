from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ResourcesConfig(AppConfig):
    name = "resources"
    verbose_name = _("Ressources")

    def ready(self) -> None:
        from comcep import datarights, navigation, notices
        from comcep.roles import Role
        from resources import datarights as library_data
        from resources import home as library_home
        from resources import watch

        datarights.register("ressources", export=library_data.export, erase=library_data.erase)
        library_home.register()
        notices.register("ressources", watch.latest_notices, mark_all_read=watch.mark_all_read)

        navigation.register_landing("resources:actions_manage", rank=60, roles={Role.REGIONAL_STAFF})

        navigation.register(_("Ressources"), "resources:list", roles=Role.COMMUNITY,
                            description=_("Vidéos, textes juridiques, documents et liens du métier."))
        navigation.register(_("Veille juridique"), "resources:watch", roles=Role.COMMUNITY,
                            description=_("Suivre les textes, thèmes et mots-clés qui changent."))
        navigation.register(_("Actions régionales"), "resources:actions",
                            roles=(*Role.COMMUNITY, Role.REGIONAL_STAFF),
                            description=_("Les actions de professionnalisation des Carif-Oref."))
        navigation.register(_("Actions de ma région"), "resources:actions_manage",
                            roles=(Role.REGIONAL_STAFF,), area="manager",
                            description=_("Publier les actions de professionnalisation."))
