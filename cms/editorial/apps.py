from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EditorialConfig(AppConfig):
    name = "cms.editorial"
    label = "editorial"
    verbose_name = _("Editorial roles and moderation")

    def ready(self):
        from . import signals

        signals.connect()
