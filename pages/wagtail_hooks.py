from wagtail import hooks

from .views import DirectoryViewSetGroup


@hooks.register("register_admin_viewset")
def register_directory_listings():
    return DirectoryViewSetGroup()
