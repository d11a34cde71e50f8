"""Who may do what, through the admin's real views: the permission matrix.

Roles: a coordinator, the editor of one organisation ("own"; the other is "other"), the
Arabic translator, and an anonymous visitor. Targets: the two organisations' pages in
Greek (the source) and in Arabic (wagtail-localize copies), and taxonomy terms in both
languages. Each cell posts to the view a person would use. An allowed cell must do its
work, as the database then shows; a refused one must answer 403 (or send an anonymous
visitor to the sign-in page) and leave the database as it was.

Taxonomy terms are not drafts and have no workflow, so only create, edit and delete
apply to them. Registrations (cms/onboarding) are not in this matrix yet.
"""

import itertools
from dataclasses import dataclass, field
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import transaction
from django.urls import reverse
from wagtail.models import Page, Revision, TaskState, WorkflowState

from cms.editorial.roles import coordinators_group, ensure_translators, find_organisation_editors
from pages.models import OpenCallPage
from snippets.models import TargetGroup
from tests.factories import greek, make_open_call, make_organisation, translate_page

from .backoffice import (
    add_url,
    assert_refused,
    edit_url,
    locale,
    logged_in,
    member,
    page_form,
    translated_tree,
    workflow_action_url,
)

pytestmark = pytest.mark.django_db

ROLES = ("coordinator", "editor", "translator", "anonymous")
ORGANISATIONS = ("own", "other")  # "own": the organisation the editor edits
LANGUAGES = ("el", "ar")

EVERYWHERE = set(itertools.product(ORGANISATIONS, LANGUAGES))
OWN_ORGANISATION = {("own", language) for language in LANGUAGES}
ARABIC = {(organisation, "ar") for organisation in ORGANISATIONS}
NOWHERE = set()

# Where each role may do each action, as (organisation, language) pairs.
#                coordinator  editor            translator  anonymous
PAGE_RULES = {
    "create": (EVERYWHERE, OWN_ORGANISATION, NOWHERE, NOWHERE),
    "edit": (EVERYWHERE, OWN_ORGANISATION, ARABIC, NOWHERE),
    "submit": (EVERYWHERE, OWN_ORGANISATION, ARABIC, NOWHERE),
    "publish": (EVERYWHERE, NOWHERE, NOWHERE, NOWHERE),
    "unpublish": (EVERYWHERE, NOWHERE, NOWHERE, NOWHERE),
    "delete": (EVERYWHERE, NOWHERE, NOWHERE, NOWHERE),
    "approve": (EVERYWHERE, NOWHERE, NOWHERE, NOWHERE),
}

EVERY_LANGUAGE = {(language,) for language in LANGUAGES}

# Where each role may manage taxonomy terms, as (language,) tuples.
#                coordinator     editor   translator  anonymous
TAXONOMY_RULES = {
    "create": (EVERY_LANGUAGE, NOWHERE, NOWHERE, NOWHERE),
    "edit": (EVERY_LANGUAGE, NOWHERE, NOWHERE, NOWHERE),
    "delete": (EVERY_LANGUAGE, NOWHERE, NOWHERE, NOWHERE),
}

NEW_TITLE = "Τίτλος από τον πίνακα"
NEW_SLUG = "matrix-term"
EXISTING_SLUG = "matrix-existing-term"


@dataclass
class World:
    """Everything the matrix acts on, by id (each test re-reads what it needs)."""

    users: dict
    organisations: dict  # (organisation, language) -> OrganisationPage id
    calls: dict  # (organisation, language) -> id of a live open call
    pending: dict  # (organisation, language) -> id of a draft awaiting review
    terms: dict  # language -> TargetGroup id
    forms: dict = field(default_factory=dict)  # url -> the form a coordinator sees there

    def form(self, url):
        if url not in self.forms:
            self.forms[url] = page_form(logged_in(self.users["coordinator"]), url)
        return self.forms[url].copy()


def build_world():
    """Two organisations with a live open call and a draft awaiting review, in Greek and
    Arabic; the roles as `install_roles` leaves them; one person per role."""
    translated_tree("ar")
    organisations, calls, pending = {}, {}, {}
    for name in ORGANISATIONS:
        greek_organisation = make_organisation(title=f"Οργάνωση {name}")
        greek_call = make_open_call(greek_organisation, title=f"Πρόσκληση {name}")
        greek_draft = make_open_call(greek_organisation, title=f"Προσχέδιο {name}", publish=False)
        organisations[name, "el"] = greek_organisation.pk
        calls[name, "el"] = greek_call.pk
        pending[name, "el"] = greek_draft.pk
        organisations[name, "ar"] = translate_page(greek_organisation, "ar").pk
        calls[name, "ar"] = translate_page(greek_call, "ar").pk
        pending[name, "ar"] = translate_page(greek_draft, "ar", publish=False).pk
    call_command("install_roles", stdout=StringIO())

    own = Page.objects.get(pk=organisations["own", "el"])
    other = Page.objects.get(pk=organisations["other", "el"])
    users = {
        "coordinator": member("coordinator", coordinators_group()),
        "editor": member("editor", find_organisation_editors(own)),
        "translator": member("translator", ensure_translators(locale("ar"))),
        "anonymous": None,
    }
    submitters = {
        "own": users["editor"],
        "other": member("other-editor", find_organisation_editors(other)),
    }
    for (name, _language), page_id in pending.items():
        page = Page.objects.get(pk=page_id).specific
        page.get_workflow().start(page, submitters[name])

    greek_term = TargetGroup.objects.create(locale=greek(), name="Όρος", slug=EXISTING_SLUG)
    arabic_term = greek_term.copy_for_translation(locale("ar"))
    arabic_term.save()
    terms = {"el": greek_term.pk, "ar": arabic_term.pk}
    return World(users, organisations, calls, pending, terms)


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    """Built once for the module, in a transaction rolled back at its end; each test runs
    in a savepoint inside it, so every cell starts from the same database."""
    with django_db_blocker.unblock(), transaction.atomic():
        yield build_world()
        transaction.set_rollback(True)


def database_state(*, public_only=False):
    """What a refused action must leave as it was: pages, drafts, reviews, terms.

    `public_only`: only what the public sees (titles, live status, published revisions).
    """
    public_fields = ["pk", "title", "live", "live_revision_id", "last_published_at"]
    draft_fields = ["draft_title", "latest_revision_id", "has_unpublished_changes", "locked"]
    fields = public_fields if public_only else [*public_fields, *draft_fields]
    state = {"pages": list(Page.objects.order_by("path").values_list(*fields))}
    if not public_only:
        state.update(
            revisions=Revision.objects.count(),
            workflows=list(WorkflowState.objects.order_by("pk").values_list("pk", "status")),
            tasks=list(TaskState.objects.order_by("pk").values_list("pk", "status")),
            terms=list(TargetGroup.objects.order_by("pk").values_list("pk", "name", "slug")),
        )
    return state


# --- Page actions: each posts as a person would, and says whether it happened ----------


def _page(page_id):
    return Page.objects.get(pk=page_id).specific


def create(client, world, organisation, language):
    parent = _page(world.organisations[organisation, language])
    data = world.form(add_url(OpenCallPage, parent))
    data.update(
        {
            "title": NEW_TITLE,
            "slug": "matrix-call",
            "call_type": OpenCallPage.CallType.VOLUNTEERS,
            "summary": "Περίληψη.",
        }
    )
    return client.post(add_url(OpenCallPage, parent), data)


def created(world, organisation, language):
    parent = Page.objects.get(pk=world.organisations[organisation, language])
    return OpenCallPage.objects.child_of(parent).filter(draft_title=NEW_TITLE).exists()


def _post_edit_form(client, world, page_id, action=None):
    page = _page(page_id)
    data = world.form(edit_url(page))
    data["title"] = NEW_TITLE
    if action:
        data[action] = action
    return client.post(edit_url(page), data)


def edit(client, world, organisation, language):
    return _post_edit_form(client, world, world.calls[organisation, language])


def edited(world, organisation, language):
    """A new draft, the live page as it was."""
    page = _page(world.calls[organisation, language])
    return page.get_latest_revision_as_object().title == NEW_TITLE and page.title != NEW_TITLE


def submit(client, world, organisation, language):
    return _post_edit_form(client, world, world.calls[organisation, language], "action-submit")


def submitted(world, organisation, language):
    page = _page(world.calls[organisation, language])
    return page.workflow_in_progress and edited(world, organisation, language)


def publish(client, world, organisation, language):
    return _post_edit_form(client, world, world.calls[organisation, language], "action-publish")


def published(world, organisation, language):
    return _page(world.calls[organisation, language]).title == NEW_TITLE


def unpublish(client, world, organisation, language):
    page_id = world.calls[organisation, language]
    return client.post(reverse("wagtailadmin_pages:unpublish", args=[page_id]))


def unpublished(world, organisation, language):
    return not _page(world.calls[organisation, language]).live


def delete(client, world, organisation, language):
    page_id = world.calls[organisation, language]
    return client.post(reverse("wagtailadmin_pages:delete", args=[page_id]))


def deleted(world, organisation, language):
    return not Page.objects.filter(pk=world.calls[organisation, language]).exists()


def approve(client, world, organisation, language):
    page = _page(world.pending[organisation, language])
    return client.post(workflow_action_url(page, "approve"), {"comment": ""})


def approved(world, organisation, language):
    page = _page(world.pending[organisation, language])
    return page.live and not page.workflow_in_progress


PAGE_ACTIONS = {
    "create": (create, created),
    "edit": (edit, edited),
    "submit": (submit, submitted),
    "publish": (publish, published),
    "unpublish": (unpublish, unpublished),
    "delete": (delete, deleted),
    "approve": (approve, approved),
}


def _cells(rules, targets):
    """One test case per role, action and target (a tuple), expecting what `rules` say."""
    cells = []
    for action, allowed_by_role in rules.items():
        for role, allowed in zip(ROLES, allowed_by_role, strict=True):
            for target in targets:
                verdict = "allowed" if target in allowed else "refused"
                label = "-".join([role, action, *target, verdict])
                cells.append(pytest.param(role, action, target, target in allowed, id=label))
    return cells


@pytest.mark.parametrize(
    ("role", "action", "target", "allowed"), _cells(PAGE_RULES, sorted(EVERYWHERE))
)
def test_page_actions(world, role, action, target, allowed):
    """Each role does to each organisation's pages, in each language, exactly what the
    table allows: allowed actions take effect, refused ones are refused and change nothing
    (a refused publish may leave a draft, as Wagtail saves one, but publishes nothing)."""
    do, happened = PAGE_ACTIONS[action]
    user = world.users[role]
    public_only = action == "publish"
    before = database_state(public_only=public_only)

    response = do(logged_in(user), world, *target)

    if allowed:
        assert response.status_code == 302, response
        assert happened(world, *target) is True
    else:
        # Asked to publish by someone who may edit but not publish, Wagtail saves a draft
        # and returns to the edit view: no error, and nothing published.
        saved_as_draft = action == "publish" and _redirects_to_edit_view(response, world, target)
        if not saved_as_draft:
            assert_refused(response, user)
        assert happened(world, *target) is False
        assert database_state(public_only=public_only) == before


def _redirects_to_edit_view(response, world, target):
    page = Page.objects.get(pk=world.calls[target])
    return response.status_code == 302 and response.url == edit_url(page)


# --- Taxonomy terms ---------------------------------------------------------------------


def _term_url(name, *args):
    return reverse(TargetGroup.snippet_viewset.get_url_name(name), args=args)


def create_term(client, world, language):
    data = {"name": NEW_TITLE, "slug": NEW_SLUG, "sort_order": 0}
    return client.post(_term_url("add") + f"?locale={language}", data)


def term_created(world, language):
    return TargetGroup.objects.filter(locale__language_code=language, slug=NEW_SLUG).exists()


def edit_term(client, world, language):
    term = TargetGroup.objects.get(pk=world.terms[language])
    data = {"name": NEW_TITLE, "slug": term.slug, "sort_order": term.sort_order}
    return client.post(_term_url("edit", term.pk), data)


def term_edited(world, language):
    return TargetGroup.objects.get(pk=world.terms[language]).name == NEW_TITLE


def delete_term(client, world, language):
    return client.post(_term_url("delete", world.terms[language]))


def term_deleted(world, language):
    return not TargetGroup.objects.filter(pk=world.terms[language]).exists()


TAXONOMY_ACTIONS = {
    "create": (create_term, term_created),
    "edit": (edit_term, term_edited),
    "delete": (delete_term, term_deleted),
}


@pytest.mark.parametrize(
    ("role", "action", "target", "allowed"), _cells(TAXONOMY_RULES, sorted(EVERY_LANGUAGE))
)
def test_taxonomy_actions(world, role, action, target, allowed):
    """Only coordinators manage taxonomy terms, in every language; for anyone else the
    term views refuse and the terms stay as they were."""
    do, happened = TAXONOMY_ACTIONS[action]
    user = world.users[role]
    before = database_state()

    response = do(logged_in(user), world, *target)

    if allowed:
        assert response.status_code == 302, response
        assert happened(world, *target) is True
    else:
        assert_refused(response, user)
        assert happened(world, *target) is False
        assert database_state() == before


# --- Around the matrix -------------------------------------------------------------------


def test_publish_is_offered_to_coordinators_only(world):
    """The edit view shows a Publish button to coordinators, not to the editor nor the
    translator (who may edit the page)."""
    cases = [
        ("coordinator", ("own", "el")),
        ("editor", ("own", "el")),
        ("translator", ("own", "ar")),
    ]
    offered = {}
    for role, target in cases:
        response = logged_in(world.users[role]).get(
            edit_url(Page.objects.get(pk=world.calls[target]))
        )
        assert response.status_code == 200
        offered[role] = 'name="action-publish"' in response.content.decode()
    assert offered == {"coordinator": True, "editor": False, "translator": False}


def test_editor_deletes_drafts_of_their_own_organisation_only(world):
    """An editor may delete a draft (never live) page in their organisation, not another's."""
    editor = world.users["editor"]
    own, other = (_page(world.organisations[name, "el"]) for name in ORGANISATIONS)
    own_draft = make_open_call(own, publish=False)
    other_draft = make_open_call(other, publish=False)
    client = logged_in(editor)

    refused = client.post(reverse("wagtailadmin_pages:delete", args=[other_draft.pk]))
    accepted = client.post(reverse("wagtailadmin_pages:delete", args=[own_draft.pk]))

    assert_refused(refused, editor)
    assert Page.objects.filter(pk=other_draft.pk).exists() is True
    assert accepted.status_code == 302
    assert Page.objects.filter(pk=own_draft.pk).exists() is False
