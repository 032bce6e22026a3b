from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ComcepConfig(AppConfig):
    name = "comcep"
    verbose_name = _("Comcep")

    def ready(self) -> None:
        from comcep import signals

        signals.connect_group_changes()
