from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EnrolmentConfig(AppConfig):
    name = "enrolment"
    verbose_name = _("Adhésions")

    def ready(self) -> None:
        from comcep import datarights, navigation
        from comcep.roles import Role
        from enrolment import datarights as enrolment_data
        from enrolment import signals  # noqa: F401  (connects the receivers)

        datarights.register("candidature", export=enrolment_data.export,
                            purge_identity=enrolment_data.purge_identity,
                            purge_expired=enrolment_data.purge_expired)

        navigation.register_landing("enrolment:operator_queue", rank=10, roles={Role.OPERATOR_MANAGER})
        navigation.register_landing("enrolment:platform_queue", rank=20, roles={Role.PLATFORM_MANAGER})
        # An applicant not (or no longer) admitted follows their application.
        navigation.register_landing("enrolment:status", rank=90, applies=_has_application)

        navigation.register(_("Candidatures"), "enrolment:operator_queue",
                            roles={Role.OPERATOR_MANAGER}, area="manager")
        navigation.register(_("Appels"), "enrolment:platform_queue",
                            roles={Role.PLATFORM_MANAGER}, area="manager")
        navigation.register(_("Régions et invitations"), "enrolment:regions",
                            roles={Role.PLATFORM_MANAGER}, area="manager")


def _has_application(user) -> bool:
    return hasattr(user, "application")
