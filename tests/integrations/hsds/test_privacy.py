"""Only live, public content: no drafts, unpublished translations, private pages,
contact persons, or anything of organisations not yet approved, on any endpoint."""

import pytest

from .conftest import hsds

pytestmark = pytest.mark.django_db

NEVER = [
    "Πρόχειρη υπηρεσία",  # a draft service
    "Ιδιωτική υπηρεσία",  # a service behind a password
    "Μη εγκεκριμένη οργάνωση",  # an organisation not approved (a draft)
    "Υπηρεσία μη εγκεκριμένης",  # a live page under it
    "Unpublished English title",  # a translation saved as a draft
    # the rich organisation's contact person
    "Μαρία Ιδιωτική",
    "maria.private@example.org",
    "+30 699 1111111",
]


def everything(client, directory, hidden):
    """Every endpoint's answer, lists in full form, in Greek and English."""
    organisations = [directory["rich"].get_parent(), directory["minimal"].get_parent()]
    paths = [
        ("/services", "full=true&per_page=100"),
        ("/services", "per_page=100"),
        ("/organizations", "full=true&per_page=100"),
        ("/service_at_locations", "full=true&per_page=100"),
        *((f"/services/{page.translation_key}", "") for page in directory.values()),
        (f"/services/{hidden['untranslated'].translation_key}", ""),
        *((f"/organizations/{page.translation_key}", "") for page in organisations),
    ]
    responses = []
    for language in ("el", "en"):
        for path, query in paths:
            response = hsds(client, path, f"{query}&lang={language}".lstrip("&"))
            assert response.status_code == 200, (path, response.content)
            responses.append(response.content.decode())
    return responses


def test_nothing_private_or_unpublished_appears_anywhere(client, directory, hidden):
    for body in everything(client, directory, hidden):
        for text in NEVER:
            assert text not in body


def test_lists_hold_only_the_live_public_items(client, directory, hidden):
    services = hsds(client, "/services", "per_page=100").json()
    organizations = hsds(client, "/organizations", "per_page=100").json()

    assert sorted(item["name"] for item in services["contents"]) == [
        "Γραμμή βοήθειας",
        "Μόνο ελληνικά",
        "Πολυιατρείο",
    ]
    assert sorted(item["name"] for item in organizations["contents"]) == [
        "Ομάδα Γειτονιάς",
        "Πράξις",
    ]


@pytest.mark.parametrize("which", ["draft", "private", "of_unapproved"])
def test_hidden_services_are_404(client, hidden, which):
    response = hsds(client, f"/services/{hidden[which].translation_key}")

    assert response.status_code == 404


def test_an_unapproved_organisation_is_404(client, hidden):
    response = hsds(client, f"/organizations/{hidden['unapproved'].translation_key}")

    assert response.status_code == 404


def test_an_unpublished_translation_falls_back_to_the_live_greek(client, hidden):
    response = hsds(client, f"/services/{hidden['untranslated'].translation_key}", "lang=en")

    body = response.json()
    assert (body["name"], body["language"]) == ("Μόνο ελληνικά", "el")


def test_an_organisation_withdrawn_later_takes_its_services_along(client, directory):
    organisation = directory["rich"].get_parent()
    organisation.specific.unpublish()

    services = hsds(client, "/services").json()["contents"]
    response = hsds(client, f"/services/{directory['rich'].translation_key}")

    assert [item["name"] for item in services] == ["Γραμμή βοήθειας"]
    assert response.status_code == 404
