"""What an editor sees when the admin refuses a page: a form error on the right field.

Every test posts the real Wagtail page forms (add and edit views) as a
superuser; an error means a 200 response that re-renders the form with the
error attached to the field (or formset) at fault, and nothing saved.
"""

import pytest
from wagtail.test.utils.form_data import (
    inline_formset,
    nested_form_data,
    querydict_from_html,
    rich_text,
)

from pages.models import ActionPage, ServicePage
from pages.models.actions import MAX_OCCURRENCES, SHORT_DESCRIPTION_MAX_LENGTH
from tests.factories import (
    SYNTAGMA,
    category,
    district,
    make_action,
    make_organisation,
    make_service,
)

pytestmark = pytest.mark.django_db

LONDON = ("51.507400", "-0.127800")


@pytest.fixture
def organisation(site_tree):
    return make_organisation(title="Οργάνωση δοκιμής")


def add_url(model, parent):
    return f"/admin/pages/add/pages/{model._meta.model_name}/{parent.id}/"


def edit_url(page):
    return f"/admin/pages/{page.id}/edit/"


def post(client, url, data, *, publish=False):
    """Post a page form, either publishing it or saving a draft (no action button)."""
    if publish:
        data = {**data, "action-publish": "action-publish"}
    return client.post(url, data)


def assert_refused(response):
    """The admin re-rendered the form instead of saving and redirecting."""
    assert response.status_code == 200
    assert response.context["form"].is_valid() is False


def assert_saved(response):
    assert response.status_code == 302, _form_errors(response)


def codes(form, field):
    """The error codes on a form's field (the same in every admin language)."""
    return [error.code for error in form.errors.as_data().get(field, [])]


def formset_codes(formset):
    return [error.code for error in formset.non_form_errors().as_data()]


def _form_errors(response):
    if response.context is None or "form" not in response.context:
        return response.status_code
    form = response.context["form"]
    return {
        "form": form.errors,
        **{name: (fs.errors, fs.non_form_errors()) for name, fs in form.formsets.items()},
    }


# --- Form data ----------------------------------------------------------------------


def occurrence_form(day=1, **fields):
    return {
        "id": "",
        "subtitle": "",
        "start": f"2030-05-{day:02d} 10:00",
        "end": f"2030-05-{day:02d} 12:00",
        "address": "Πλατεία Συντάγματος",
        "latitude": str(SYNTAGMA[0]),
        "longitude": str(SYNTAGMA[1]),
        "district": "",
        **fields,
    }


def action_data(occurrences=None, **fields):
    occurrences = [occurrence_form()] if occurrences is None else occurrences
    return nested_form_data(
        {
            "title": "Γιορτή της γειτονιάς",
            "slug": "giorti-tis-geitonias",
            "short_description": "Μουσική και φαγητό στην πλατεία.",
            "description": rich_text("<p>Όλοι είναι καλοδεχούμενοι.</p>"),
            "image": "",
            "occurrences": inline_formset(occurrences, min=1, max=MAX_OCCURRENCES),
            "support_requests": inline_formset([]),
            "other_partners": "",
            **fields,
        }
    )


def service_data(opening_hours=(), **fields):
    latitude, longitude = SYNTAGMA
    data = nested_form_data(
        {
            "title": "Ιατρείο",
            "slug": "iatreio",
            "summary": "Δωρεάν ιατρική εξέταση.",
            "description": rich_text("<p>Χωρίς ραντεβού.</p>"),
            "access": ServicePage.Access.WALK_IN,
            "is_free": "on",
            "status": ServicePage.Status.ACTIVE,
            "last_verified": "2026-01-15",
            "next_review": "",
            "delivery": ServicePage.Delivery.IN_PERSON,
            "address": "Πλατεία Συντάγματος, 105 63 Αθήνα",
            "latitude": str(latitude),
            "longitude": str(longitude),
            "district": "",
            "opening_hours": inline_formset(list(opening_hours)),
            "closures": inline_formset([]),
            "messaging_channels": inline_formset([]),
            **fields,
        }
    )
    # A list value would be flattened by nested_form_data: a multiple choice goes in as is.
    data["categories"] = [category("primary-care").pk]
    return data


def edit_form_data(client, page):
    """The edit form's current data, exactly as the browser would post it back."""
    response = client.get(edit_url(page))
    assert response.status_code == 200
    return querydict_from_html(response.content.decode(), form_id="page-edit-form")


# --- The setup itself -----------------------------------------------------------------


def test_valid_action_is_created_and_published(admin_client, organisation):
    """A complete action form creates a live action under the organisation."""
    response = post(admin_client, add_url(ActionPage, organisation), action_data(), publish=True)

    assert_saved(response)
    action = ActionPage.objects.child_of(organisation).get(slug="giorti-tis-geitonias")
    assert action.live is True
    occurrence = action.occurrences.get()
    assert occurrence.district == district(1)


def test_valid_service_is_saved_as_draft(admin_client, organisation):
    """Without the publish button the service is saved as a draft, with its district."""
    response = post(admin_client, add_url(ServicePage, organisation), service_data())

    assert_saved(response)
    service = ServicePage.objects.child_of(organisation).get(slug="iatreio")
    assert service.live is False
    assert service.district == district(1)


# --- Actions --------------------------------------------------------------------------


def test_short_description_over_250_characters_is_refused(admin_client, organisation):
    """synAthina takes at most 250 characters: the 251st is an error on that field."""
    too_long = "α" * (SHORT_DESCRIPTION_MAX_LENGTH + 1)
    response = post(
        admin_client,
        add_url(ActionPage, organisation),
        action_data(short_description=too_long),
        publish=True,
    )

    assert_refused(response)
    assert list(response.context["form"].errors) == ["short_description"]
    assert codes(response.context["form"], "short_description") == ["max_length"]
    assert ActionPage.objects.exists() is False


def test_short_description_of_exactly_250_characters_is_accepted(admin_client, organisation):
    """The limit itself is allowed."""
    response = post(
        admin_client,
        add_url(ActionPage, organisation),
        action_data(short_description="α" * SHORT_DESCRIPTION_MAX_LENGTH),
    )

    assert_saved(response)
    assert ActionPage.objects.child_of(organisation).count() == 1


def test_short_description_over_250_characters_is_refused_on_edit(admin_client, organisation):
    """Editing an existing action hits the same limit, and the stored text is unchanged."""
    action = make_action(organisation, occurrences=2)
    data = edit_form_data(admin_client, action)
    data["short_description"] = "β" * (SHORT_DESCRIPTION_MAX_LENGTH + 1)

    response = post(admin_client, edit_url(action), data, publish=True)

    assert_refused(response)
    assert "short_description" in response.context["form"].errors
    action.refresh_from_db()
    assert action.short_description == "Ανοιχτή γιορτή της γειτονιάς."
    assert action.get_latest_revision().as_object().short_description == (
        "Ανοιχτή γιορτή της γειτονιάς."
    )


@pytest.mark.parametrize("publish", [True, False], ids=["publish", "draft"])
def test_twelve_occurrences_are_refused(admin_client, organisation, publish):
    """An action has at most 11 occurrences, even in a draft: a 12th is an error on the set."""
    occurrences = [occurrence_form(day) for day in range(1, MAX_OCCURRENCES + 2)]
    response = post(
        admin_client, add_url(ActionPage, organisation), action_data(occurrences), publish=publish
    )

    assert_refused(response)
    formset = response.context["form"].formsets["occurrences"]
    assert formset_codes(formset) == ["too_many_forms"]
    assert ActionPage.objects.exists() is False


def test_eleven_occurrences_are_accepted(admin_client, organisation):
    """Eleven occurrences are the maximum, and all are kept."""
    occurrences = [occurrence_form(day) for day in range(1, MAX_OCCURRENCES + 1)]
    response = post(
        admin_client, add_url(ActionPage, organisation), action_data(occurrences), publish=True
    )

    assert_saved(response)
    action = ActionPage.objects.child_of(organisation).get()
    assert action.occurrences.count() == MAX_OCCURRENCES


def test_adding_a_twelfth_occurrence_on_edit_is_refused(admin_client, organisation):
    """An action with 11 occurrences cannot get a 12th in the edit view."""
    action = make_action(organisation, occurrences=MAX_OCCURRENCES)
    data = edit_form_data(admin_client, action)
    extra = nested_form_data({"occurrences": {str(MAX_OCCURRENCES): occurrence_form(28)}})
    extra[f"occurrences-{MAX_OCCURRENCES}-ORDER"] = str(MAX_OCCURRENCES + 1)
    data.update(extra)
    data["occurrences-TOTAL_FORMS"] = str(MAX_OCCURRENCES + 1)

    response = post(admin_client, edit_url(action), data, publish=True)

    assert_refused(response)
    assert formset_codes(response.context["form"].formsets["occurrences"]) == ["too_many_forms"]
    assert action.occurrences.count() == MAX_OCCURRENCES


def test_publishing_an_action_without_occurrences_is_refused(admin_client, organisation):
    """A published action needs at least one date."""
    response = post(admin_client, add_url(ActionPage, organisation), action_data([]), publish=True)

    assert_refused(response)
    assert formset_codes(response.context["form"].formsets["occurrences"]) == ["too_few_forms"]
    assert ActionPage.objects.exists() is False


def test_draft_action_without_occurrences_is_saved(admin_client, organisation):
    """Wagtail defers "at least one" to publishing: an unfinished draft may have no date yet."""
    response = post(admin_client, add_url(ActionPage, organisation), action_data([]))

    assert_saved(response)
    action = ActionPage.objects.child_of(organisation).get()
    assert action.live is False
    assert action.occurrences.exists() is False


def test_occurrence_ending_before_it_starts_is_refused(admin_client, organisation):
    """The error sits on the occurrence's end."""
    backwards = occurrence_form(start="2030-05-01 18:00", end="2030-05-01 17:00")
    response = post(admin_client, add_url(ActionPage, organisation), action_data([backwards]))

    assert_refused(response)
    occurrence_form_errors = response.context["form"].formsets["occurrences"].forms[0].errors
    assert list(occurrence_form_errors) == ["end"]
    assert ActionPage.objects.exists() is False


def test_occurrence_outside_greece_is_refused(admin_client, organisation):
    """Coordinates in London are an error on the occurrence's latitude and longitude."""
    latitude, longitude = LONDON
    abroad = occurrence_form(latitude=latitude, longitude=longitude)
    response = post(admin_client, add_url(ActionPage, organisation), action_data([abroad]))

    assert_refused(response)
    occurrence = response.context["form"].formsets["occurrences"].forms[0]
    assert set(occurrence.errors) == {"latitude", "longitude"}
    assert codes(occurrence, "latitude") == ["max_value"]  # north of Greece
    assert codes(occurrence, "longitude") == ["min_value"]  # west of Greece
    assert ActionPage.objects.exists() is False


# --- Services -------------------------------------------------------------------------


def test_service_outside_greece_is_refused(admin_client, organisation):
    """Coordinates in London are an error on the service's latitude and longitude."""
    latitude, longitude = LONDON
    response = post(
        admin_client,
        add_url(ServicePage, organisation),
        service_data(latitude=latitude, longitude=longitude),
        publish=True,
    )

    assert_refused(response)
    form = response.context["form"]
    assert codes(form, "latitude") == ["max_value"]
    assert codes(form, "longitude") == ["min_value"]
    assert ServicePage.objects.exists() is False


def test_service_latitude_just_outside_greece_is_refused(admin_client, organisation):
    """A latitude south of Crete's bounding box (34.5) is refused even with a Greek longitude."""
    response = post(
        admin_client,
        add_url(ServicePage, organisation),
        service_data(latitude="34.400000"),
    )

    assert_refused(response)
    assert list(response.context["form"].errors) == ["latitude"]
    assert codes(response.context["form"], "latitude") == ["min_value"]


@pytest.mark.parametrize(
    "missing",
    [
        {"address": "", "latitude": "", "longitude": ""},
        {"address": ""},
        {"latitude": "", "longitude": ""},
    ],
    ids=["nothing", "no-address", "no-coordinates"],
)
def test_in_person_service_without_a_location_is_refused(admin_client, organisation, missing):
    """A service offered in person needs both an address and coordinates."""
    response = post(
        admin_client, add_url(ServicePage, organisation), service_data(**missing), publish=True
    )

    assert_refused(response)
    assert "address" in response.context["form"].errors
    assert ServicePage.objects.exists() is False


def test_service_offered_both_ways_without_a_location_is_refused(admin_client, organisation):
    """ "Both in person and remote" still needs a place to visit."""
    response = post(
        admin_client,
        add_url(ServicePage, organisation),
        service_data(delivery=ServicePage.Delivery.BOTH, address="", latitude="", longitude=""),
    )

    assert_refused(response)
    assert "address" in response.context["form"].errors


def test_remote_service_without_a_location_is_accepted(admin_client, organisation):
    """A remote-only service has no place to visit: no address, no coordinates, no district."""
    response = post(
        admin_client,
        add_url(ServicePage, organisation),
        service_data(delivery=ServicePage.Delivery.REMOTE, address="", latitude="", longitude=""),
        publish=True,
    )

    assert_saved(response)
    service = ServicePage.objects.child_of(organisation).get()
    assert service.live is True
    assert service.has_coordinates is False
    assert service.district is None


def test_latitude_without_longitude_is_refused(admin_client, organisation):
    """Half a coordinate pair is an error on the missing half."""
    response = post(
        admin_client,
        add_url(ServicePage, organisation),
        service_data(delivery=ServicePage.Delivery.REMOTE, address="", longitude=""),
    )

    assert_refused(response)
    assert "longitude" in response.context["form"].errors


def test_opening_hours_closing_before_opening_is_refused(admin_client, organisation):
    """The error sits on the row's closing time."""
    rows = [
        {"weekday": "0", "opens": "09:00", "closes": "14:00"},
        {"weekday": "1", "opens": "17:00", "closes": "09:00"},
    ]
    response = post(
        admin_client, add_url(ServicePage, organisation), service_data(rows), publish=True
    )

    assert_refused(response)
    forms = response.context["form"].formsets["opening_hours"].forms
    assert forms[0].errors == {}
    assert list(forms[1].errors) == ["closes"]
    assert ServicePage.objects.exists() is False


def test_opening_hours_closing_when_opening_is_refused(admin_client, organisation):
    """A row that opens and closes at the same time is an error too."""
    rows = [{"weekday": "2", "opens": "09:00", "closes": "09:00"}]
    response = post(admin_client, add_url(ServicePage, organisation), service_data(rows))

    assert_refused(response)
    assert "closes" in response.context["form"].formsets["opening_hours"].forms[0].errors


def test_valid_opening_hours_are_saved(admin_client, organisation):
    """Well-formed rows are stored with the service."""
    rows = [{"weekday": "4", "opens": "09:00", "closes": "14:00"}]
    response = post(admin_client, add_url(ServicePage, organisation), service_data(rows))

    assert_saved(response)
    service = ServicePage.objects.child_of(organisation).get()
    assert [(row.weekday, str(row.opens)) for row in service.opening_hours.all()] == [
        (4, "09:00:00")
    ]


def test_opening_hours_closing_before_opening_are_refused_on_edit(admin_client, organisation):
    """Editing a row of an existing service hits the same check, and the row is unchanged."""
    service = make_service(organisation, opening_hours=[(0, "09:00", "14:00")])
    data = edit_form_data(admin_client, service)
    data["opening_hours-0-closes"] = "08:00"

    response = post(admin_client, edit_url(service), data)

    assert_refused(response)
    assert "closes" in response.context["form"].formsets["opening_hours"].forms[0].errors
    latest = service.get_latest_revision().as_object()
    assert [str(row.closes) for row in latest.opening_hours.all()] == ["14:00:00"]


def test_next_review_before_last_check_is_refused(admin_client, organisation):
    """The next review cannot be scheduled before the last verification."""
    response = post(
        admin_client,
        add_url(ServicePage, organisation),
        service_data(last_verified="2026-03-01", next_review="2026-02-01"),
    )

    assert_refused(response)
    assert list(response.context["form"].errors) == ["next_review"]


def test_unchanged_edit_form_is_accepted(admin_client, organisation):
    """Posting an existing service's edit form back untouched saves it (the helper is sound)."""
    service = make_service(organisation, opening_hours=[(0, "09:00", "14:00")])
    data = edit_form_data(admin_client, service)

    response = post(admin_client, edit_url(service), data, publish=True)

    assert_saved(response)
