from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class GroupsConfig(AppConfig):
    name = "groups"
    verbose_name = _("Groupes de travail")

    def ready(self) -> None:
        from comcep import datarights, navigation
        from comcep.roles import Role
        from groups import datarights as group_data

        datarights.register("groups", export=group_data.export, erase=group_data.erase)

        navigation.register(_("Groupes"), "groups:directory", roles=Role.COMMUNITY,
                            description=_("Des groupes de travail entre collègues : discussion et fichiers "
                                          "réservés à leurs membres."))
