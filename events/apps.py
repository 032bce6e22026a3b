from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EventsConfig(AppConfig):
    name = "events"
    verbose_name = _("Événements")

    def ready(self) -> None:
        from comcep import datarights, extras, navigation
        from comcep.roles import Role
        from events import datarights as event_data
        from events import extras as event_extras
        from events import home as event_home

        datarights.register("events", export=event_data.export, erase=event_data.erase)
        event_home.register()
        extras.register("groups.group", slot="related", template="events/partials/_group_events.html",
                        context=event_extras.group_events)
        navigation.register(_("Événements"), "events:index", roles=Role.COMMUNITY,
                            description=_("Webinaires et sessions en direct : inscrivez-vous, posez vos "
                                          "questions, revoyez les replays."))
