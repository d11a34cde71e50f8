"""Admin buttons that act in one click."""

from wagtail.admin.widgets import Button


def one_click_post_button(label, url, *, icon_name, priority):
    """A menu button that POSTs to `url` (with the CSRF token) through Wagtail's w-action.

    Without JavaScript it is a link to `url`, whose view shows a confirmation form.
    """
    return Button(
        label,
        url=url,
        icon_name=icon_name,
        priority=priority,
        attrs={
            "data-controller": "w-action",
            "data-action": "w-action#post",
            "data-w-action-url-value": url,
        },
    )
