from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EnrolmentConfig(AppConfig):
    name = "enrolment"
    verbose_name = _("Adhésions")

    def ready(self) -> None:
        from comcep import navigation
        from comcep.roles import Role
        from enrolment import signals  # noqa: F401  (connects the receivers)

        navigation.register(_("Candidatures"), "enrolment:operator_queue",
                            roles={Role.OPERATOR_MANAGER}, area="manager")
        navigation.register(_("Appels"), "enrolment:platform_queue",
                            roles={Role.PLATFORM_MANAGER}, area="manager")
        navigation.register(_("Régions et invitations"), "enrolment:regions",
                            roles={Role.PLATFORM_MANAGER}, area="manager")
