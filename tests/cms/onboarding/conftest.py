"""Applications, coordinators and editors for the onboarding tests."""

import copy

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.urls import reverse
from wagtail.users.models import UserProfile

from cms.onboarding.schemas import RegistrationIn
from cms.onboarding.submission import submit_registration

REGISTER_URL = reverse("api-v1:register_organisation")

APPLICATION = {
    "name": "Δίκτυο Αλληλεγγύης Κυψέλης",
    "organisation_type": "migrant-community",
    "description": "Μαθήματα ελληνικών και νομική βοήθεια.\n\nΚάθε Τρίτη & Πέμπτη.",
    "website": "https://www.solidarity-kypseli.example.org/about",
    "public_email": "info@solidarity-kypseli.example.org",
    "public_phone": "+30 210 123 4567",
    "address": "Φωκίωνος Νέγρη 12, 113 61 Αθήνα",
    "service_categories": ["education", "legal-support"],
    "contacts": [
        {"name": "Μαρία Παπαδοπούλου", "email": "maria@solidarity-kypseli.example.org"},
        {"name": "Amir Rahimi", "email": "amir@example.net", "phone": "6900000000"},
    ],
    "terms_accepted": True,
}


def application(**changes):
    """A complete, valid application body, with `changes` applied (None removes a field)."""
    body = copy.deepcopy(APPLICATION)
    for field, value in changes.items():
        if value is None:
            body.pop(field, None)
        else:
            body[field] = value
    return body


def make_registration(language="el", **changes):
    """A pending registration, submitted as the endpoint submits it."""
    return submit_registration(RegistrationIn(**application(**changes)), language=language)


def post_application(client, body, **headers):
    return client.post(REGISTER_URL, body, content_type="application/json", **headers)


def make_user(username, *, permissions=(), groups=()):
    """An admin user with `permissions` ("app_label.codename") and `groups`.

    Their admin is in English, so that tests read the interface's source strings.
    """
    user = get_user_model().objects.create_user(
        username=username, email=f"{username}@accmr.example.org", password="a-test-password-1"
    )
    UserProfile.objects.create(user=user, preferred_language="en")
    user.user_permissions.add(
        Permission.objects.get(content_type__app_label="wagtailadmin", codename="access_admin"),
        *(
            Permission.objects.get(content_type__app_label=app_label, codename=codename)
            for app_label, codename in (permission.split(".") for permission in permissions)
        ),
    )
    user.groups.add(*groups)
    return user


@pytest.fixture
def coordinator(db):
    """A coordinator: every permission of the onboarding app, as the Coordinators group has."""
    group, _created = Group.objects.get_or_create(name="Onboarding coordinators (test)")
    group.permissions.add(*Permission.objects.filter(content_type__app_label="onboarding"))
    return make_user("coordinator", groups=[group])


@pytest.fixture
def coordinator_client(client, coordinator):
    client.force_login(coordinator)
    return client
