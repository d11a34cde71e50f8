"""Extra per-object views and buttons for wagtail-modeladmin registers (approve, revoke,
erase...), shared by every app's back office.

A `ModelAdmin` with `ActionViewsMixin` serves each of its `action_views` ({action name in
the URL: view class}) at modeladmin's action URL; with `ActionButtonHelper` as its
`button_helper_class`, its `action_buttons(user, obj)` ((action, label, allowed) triples)
add a listing button for each allowed one.
"""

from functools import partial

from django.contrib.admin.utils import quote
from django.urls import re_path
from wagtail_modeladmin.helpers import ButtonHelper


class ActionViewsMixin:
    """Registers `action_views` ({url action name: view class}) next to modeladmin's own."""

    action_views = {}

    def action_view(self, view_class, request, instance_pk):
        return view_class.as_view(model_admin=self, instance_pk=instance_pk)(request)

    def get_admin_urls_for_registration(self):
        return super().get_admin_urls_for_registration() + tuple(
            re_path(
                self.url_helper.get_action_url_pattern(action),
                partial(self.action_view, view_class),
                name=self.url_helper.get_action_url_name(action),
            )
            for action, view_class in self.action_views.items()
        )

    def action_buttons(self, user, obj):
        """(action, label, allowed) for each extra button a listing row may show."""
        return ()


class ActionButtonHelper(ButtonHelper):
    """Adds a button for each of the model admin's `action_buttons` that is allowed."""

    def get_buttons_for_obj(self, obj, exclude=None, classnames_add=None, **kwargs):
        buttons = super().get_buttons_for_obj(
            obj, exclude=exclude, classnames_add=classnames_add, **kwargs
        )
        for action, label, allowed in self.view.model_admin.action_buttons(self.request.user, obj):
            if allowed:
                buttons.append(
                    {
                        "url": self.url_helper.get_action_url(action, quote(obj.pk)),
                        "label": str(label),
                        "classname": self.finalise_classname(list(classnames_add or [])),
                        "title": str(label),
                    }
                )
        return buttons
