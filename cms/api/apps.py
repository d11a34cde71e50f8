from django.apps import AppConfig


class APIConfig(AppConfig):
    """The public API's package as an app: it connects the cache invalidation signals."""

    name = "cms.api"
    label = "cms_api"

    def ready(self):
        from .caching import connect_invalidation_signals

        connect_invalidation_signals()
