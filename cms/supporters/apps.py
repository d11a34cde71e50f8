from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SupportersConfig(AppConfig):
    name = "cms.supporters"
    label = "supporters"
    verbose_name = _("Supporters network")

    def ready(self):
        from . import signals  # noqa: F401
