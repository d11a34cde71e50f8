"""Installing the roles (`install_roles`, run by `make run` and each deployment) and
keeping them true as organisations and locale trees are added later."""

from io import StringIO

import pytest
from django.contrib.auth.models import Group, Permission
from django.core.management import call_command
from wagtail.models import GroupCollectionPermission, GroupPagePermission, Workflow, WorkflowPage

from cms.editorial.roles import (
    COORDINATORS,
    find_organisation_editors,
    translators_group_name,
)
from cms.editorial.workflows import MODERATION_WORKFLOW
from pages.models import HomePage, OrganisationIndexPage
from tests.factories import make_organisation, translate_page

from .backoffice import locale, member, translated_tree

pytestmark = pytest.mark.django_db


def install_roles():
    output = StringIO()
    call_command("install_roles", stdout=output)
    return output.getvalue()


def installed_roles():
    """Every group, permission, grant and workflow assignment, comparable between runs."""
    return {
        "groups": sorted(Group.objects.values_list("name", flat=True)),
        "permissions": sorted(
            Group.permissions.through.objects.values_list("group_id", "permission_id")
        ),
        "pages": sorted(
            GroupPagePermission.objects.values_list("group_id", "page_id", "permission_id")
        ),
        "media": sorted(
            GroupCollectionPermission.objects.values_list(
                "group_id", "collection_id", "permission_id"
            )
        ),
        "workflows": sorted(Workflow.objects.filter(active=True).values_list("name", flat=True)),
        "moderated": sorted(WorkflowPage.objects.values_list("page_id", "workflow_id")),
    }


def page_permissions(user, page):
    tester = page.permissions_for_user(user)
    return {
        "add": tester.can_add_subpage(),
        "edit": tester.can_edit(),
        "publish": tester.can_publish(),
    }


EDITS = {"add": True, "edit": True, "publish": False}


def test_install_roles_twice_changes_nothing_the_second_time(site_tree):
    """The first run installs the roles for the tree as it is; running it again (as every
    deployment does) adds nothing, with or without organisations."""
    install_roles()
    make_organisation(title="Οργάνωση Α")
    first_output = install_roles()
    installed = installed_roles()

    second_output = install_roles()

    assert installed_roles() == installed
    assert second_output == first_output
    assert COORDINATORS in installed["groups"]
    assert translators_group_name(locale("en")) in installed["groups"]
    assert installed["workflows"] == [MODERATION_WORKFLOW]


def test_install_roles_restores_a_missing_grant(site_tree):
    """A grant deleted by mistake comes back with the next deployment."""
    organisation = make_organisation(title="Οργάνωση Α")
    editors = find_organisation_editors(organisation)
    GroupPagePermission.objects.filter(group=editors).delete()

    install_roles()

    editor = member("editor", editors)
    assert page_permissions(editor, organisation) == EDITS


def test_coordinators_may_do_everything_the_platform_needs_in_every_locale(site_tree):
    """Coordinators publish in every locale's tree, manage taxonomies, the back office
    apps and the workflows, start translations and manage media, without being superusers."""
    arabic_index = translated_tree("ar")
    install_roles()
    coordinator = member("coordinator", Group.objects.get(name=COORDINATORS))

    for home in HomePage.objects.all():
        assert page_permissions(coordinator, home)["publish"] is True, home.locale
    assert page_permissions(coordinator, arabic_index)["publish"] is True
    for app_label in ("snippets", "onboarding", "editorial"):
        for permission in Permission.objects.filter(content_type__app_label=app_label):
            assert coordinator.has_perm(f"{app_label}.{permission.codename}") is True
    for codename in ("wagtail_localize.submit_translation", "wagtailcore.change_workflow"):
        assert coordinator.has_perm(codename) is True
    assert coordinator.is_superuser is False
    assert coordinator.has_perm("auth.change_group") is False


def test_an_organisation_created_later_gets_its_editors_in_every_locale(site_tree):
    """An organisation created after `install_roles` gets its editors group at once; its
    editors add and edit (never publish) in its Greek page, its English copy and a copy in
    a locale added later; the group's name follows the organisation's Greek title."""
    install_roles()
    organisation = make_organisation(title="Οργάνωση Α")
    editors = find_organisation_editors(organisation)
    editor = member("editor", editors)
    english = translate_page(organisation, "en", title="Organisation A")
    translated_tree("fr")
    french = translate_page(organisation, "fr", title="Organisation A (fr)")

    for copy in (organisation, english, french):
        assert page_permissions(editor, copy) == EDITS, copy.locale
    assert page_permissions(editor, site_tree.organisations)["add"] is False

    organisation.title = "Οργάνωση Άλφα"
    organisation.save_revision().publish()
    editors.refresh_from_db()
    assert editors.name == f"Editors: Οργάνωση Άλφα [{organisation.translation_key}]"
    assert find_organisation_editors(french) == editors


def test_a_new_locale_tree_gets_its_translators_coordinators_and_moderation(site_tree):
    """When a locale's tree is first created (here Farsi), its translators may edit it but
    not add or publish, coordinators may publish in it, and it is moderated."""
    install_roles()
    farsi_index = translated_tree("fa")
    farsi_home = farsi_index.get_parent()
    translator = member("translator", Group.objects.get(name=translators_group_name(locale("fa"))))
    coordinator = member("coordinator", Group.objects.get(name=COORDINATORS))

    assert page_permissions(translator, farsi_index) == {
        "add": False,
        "edit": True,
        "publish": False,
    }
    assert page_permissions(translator, site_tree.organisations)["edit"] is False
    assert page_permissions(coordinator, farsi_home)["publish"] is True
    assert farsi_index.get_workflow().name == MODERATION_WORKFLOW
    assert farsi_home.specific.get_workflow().name == MODERATION_WORKFLOW


def test_every_locales_organisations_are_moderated(site_tree):
    """Each organisations index is under the moderation workflow (so every organisation's
    pages are); the Greek home page is not (coordinators' own pages)."""
    install_roles()
    organisation = make_organisation()

    for index in OrganisationIndexPage.objects.all():
        assert index.get_workflow().name == MODERATION_WORKFLOW, index.locale
    assert organisation.get_workflow().name == MODERATION_WORKFLOW
    assert site_tree.home.get_workflow() is None


def test_demo_accounts_are_ordinary_members_of_their_roles(site_tree, settings):
    """`create_demo_accounts`: the coordinator is a Coordinators member, not a superuser
    (even one left over from earlier versions); the editor edits the first organisation;
    the translator edits the English tree."""
    settings.DEBUG = True
    organisation = make_organisation(title="Οργάνωση Α")
    member("coordinator", Group.objects.get(name=COORDINATORS)).__class__.objects.filter(
        username="coordinator"
    ).update(is_superuser=True, is_staff=True)

    output = StringIO()
    call_command("create_demo_accounts", stdout=output)
    call_command("create_demo_accounts", stdout=StringIO())

    accounts = {user.username: user for user in Group.objects.get(name=COORDINATORS).user_set.all()}
    coordinator = accounts["coordinator"]
    assert coordinator.is_superuser is False
    editor = find_organisation_editors(organisation).user_set.get()
    assert editor.username == "editor"
    translator = Group.objects.get(name=translators_group_name(locale("en"))).user_set.get()
    assert translator.username == "translator"
    assert page_permissions(editor, organisation) == EDITS
    assert page_permissions(coordinator, organisation)["publish"] is True
    assert "coordinator / accmr-demo" in output.getvalue()


def test_wagtails_starter_groups_and_workflow_are_retired_while_unused(site_tree):
    """Wagtail's starter "Editors" and "Moderators" groups (page permissions on every tree)
    are deleted unless someone is in them; its "Moderators approval" workflow, on the whole
    tree, is deactivated unless it has been used."""
    member("moderator", Group.objects.get(name="Moderators"))

    install_roles()

    assert Group.objects.filter(name="Editors").exists() is False
    assert Group.objects.filter(name="Moderators").exists() is True
    assert Workflow.objects.get(name="Moderators approval").active is False


def test_deleting_an_organisation_removes_its_editors_group_with_its_last_copy(site_tree):
    """The group outlives a deleted translation but not the organisation itself; its
    members keep their accounts."""
    translated_tree("ar")
    organisation = make_organisation(title="Οργάνωση προς διαγραφή")
    arabic = translate_page(organisation, "ar")
    group = find_organisation_editors(organisation)
    editor = member("leaving-editor", group)

    arabic.delete()
    assert Group.objects.filter(pk=group.pk).exists() is True

    organisation.delete()
    assert Group.objects.filter(pk=group.pk).exists() is False
    editor.refresh_from_db()
    assert editor.groups.exists() is False
