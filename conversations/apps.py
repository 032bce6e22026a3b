from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ConversationsConfig(AppConfig):
    name = "conversations"
    verbose_name = _("Conversations privées")

    def ready(self) -> None:
        from comcep import blocking, datarights, extras, navigation
        from comcep.roles import Role
        from conversations import datarights as conversation_data
        from conversations import extras as conversation_extras
        from conversations.services import blockers_of

        blocking.register(blockers_of)
        datarights.register("conversations", export=conversation_data.export, erase=conversation_data.erase)
        extras.register("comcep.member", slot="actions",
                        template="conversations/partials/_profile_actions.html",
                        context=conversation_extras.profile_actions)
        navigation.register(_("Messages privés"), "conversations:index", roles=Role.COMMUNITY,
                            description=_("Vos conversations privées avec d'autres membres."))
        navigation.register(_("Signalements privés"), "conversations:reports", roles=[Role.MODERATOR],
                            description=_("Les messages privés signalés aux animateur·rice·s."))
