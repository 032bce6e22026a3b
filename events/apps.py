from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EventsConfig(AppConfig):
    name = "events"
    verbose_name = _("Événements")

    def ready(self) -> None:
        from comcep import datarights, navigation
        from comcep.roles import Role
        from events import datarights as event_data

        datarights.register("events", export=event_data.export, erase=event_data.erase)
        navigation.register(_("Événements"), "events:index", roles=Role.COMMUNITY,
                            description=_("Webinaires et sessions en direct : inscrivez-vous, posez vos "
                                          "questions, revoyez les replays."))
