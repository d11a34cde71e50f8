from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SynathinaConfig(AppConfig):
    name = "integrations.synathina"
    label = "synathina"
    verbose_name = _("synAthina connector")

    def ready(self):
        from . import signals  # noqa: F401  (connects the change-notification handlers)
