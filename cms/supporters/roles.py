"""Who may do what in the supporters network.

Coordinators get every permission of this app (supporters' personal data, needs,
matches, exports, erasure), and needs are moderated by the platform's moderation
workflow. Organisation editors get no model permission here: they may write needs for
the organisations whose pages they may edit (`NeedPermissionPolicy`), and nothing else
of this app. Installed after every migration, idempotently.
"""

from django.conf import settings
from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from wagtail.models import WorkflowContentType
from wagtail.permission_policies import ModelPermissionPolicy
from wagtail.permission_policies.pages import PagePermissionPolicy

from cms.editorial.roles import coordinators_group
from cms.editorial.workflows import ensure_moderation_workflow
from pages.models import OrganisationPage

# What an organisation's editors may do to their own organisation's needs.
EDITOR_NEED_ACTIONS = {"add", "change", "view"}


def install_supporters_roles():
    from .models import Need

    coordinators_group().permissions.add(
        *Permission.objects.filter(content_type__app_label="supporters")
    )
    need_type = ContentType.objects.get_for_model(Need)
    if not WorkflowContentType.objects.filter(content_type=need_type).exists():
        WorkflowContentType.objects.create(
            content_type=need_type, workflow=ensure_moderation_workflow()
        )


def editable_organisations(user):
    """The Greek organisation pages `user` may edit (all of them, for coordinators)."""
    if not user.is_active:
        return OrganisationPage.objects.none()
    pages = PagePermissionPolicy().instances_user_has_permission_for(user, "change")
    return OrganisationPage.objects.filter(
        locale__language_code=settings.LANGUAGE_CODE,
        pk__in=pages.type(OrganisationPage).values("pk"),
    )


class NeedPermissionPolicy(ModelPermissionPolicy):
    """Model permissions (coordinators), plus: an organisation's editors may add, edit
    and view the needs of that organisation (not action needs, which follow the action)."""

    def _has_model_permission(self, user, action):
        return user.has_perm(self._get_permission_name(action))

    def user_has_permission(self, user, action):
        if self._has_model_permission(user, action):
            return True
        return action in EDITOR_NEED_ACTIONS and editable_organisations(user).exists()

    def user_has_any_permission(self, user, actions):
        return any(self.user_has_permission(user, action) for action in actions)

    def user_has_permission_for_instance(self, user, action, instance):
        if self._has_model_permission(user, action):
            return True
        return (
            action in EDITOR_NEED_ACTIONS
            and instance.action_id is None
            and editable_organisations(user).filter(pk=instance.organisation_id).exists()
        )

    def user_has_any_permission_for_instance(self, user, actions, instance):
        return any(
            self.user_has_permission_for_instance(user, action, instance) for action in actions
        )

    def instances_user_has_any_permission_for(self, user, actions):
        needs = self.model._default_manager
        if any(self._has_model_permission(user, action) for action in actions):
            return needs.all()
        if not EDITOR_NEED_ACTIONS & set(actions):
            return needs.none()
        return needs.filter(action__isnull=True, organisation__in=editable_organisations(user))
