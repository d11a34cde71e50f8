"""Signal handlers of the editorial app, connected once by `EditorialConfig.ready`."""


def connect():
    """Connect this app's signal handlers (none yet)."""
