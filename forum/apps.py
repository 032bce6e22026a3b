from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ForumConfig(AppConfig):
    name = "forum"
    verbose_name = _("Forum")

    def ready(self) -> None:
        from comcep import extras, navigation
        from comcep.roles import Role
        from forum import extras as forum_extras
        from forum import home as forum_home
        from forum import signals

        signals.connect()
        forum_home.register()

        from comcep import datarights
        from forum import datarights as forum_data

        datarights.register("forum", export=forum_data.export, erase=forum_data.erase,
                            purge_expired=forum_data.purge_expired)

        extras.register("resources.resource", slot="related", template="forum/partials/_cited_in.html",
                        context=forum_extras.citing_topics)
        extras.register("resources.resource", slot="actions", template="forum/partials/_ask_about.html",
                        context=forum_extras.ask_about_text)

        navigation.register_fixed("forum:notifications")  # a link of forum/base.html
        navigation.register(_("Forum"), "forum:index", roles=Role.COMMUNITY,
                            description=_("Échanges de pratiques, questions vives du métier, "
                                          "sessions d'experts."))
        navigation.register(_("Modération"), "forum:moderation", roles=[Role.MODERATOR],
                            description=_("Signalements à traiter et journal de modération."))
