"""Access and erasure requests, and the audit log of who saw supporters' data."""

import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from cms.supporters.matching import move_match, record_match
from cms.supporters.modeladmin import needs_admin, supporters_admin
from cms.supporters.models import Match, MatchEvent, PersonalDataAccess, Supporter
from cms.supporters.signup import confirm

from .conftest import make_need, post_sign_up, sign_up_body

pytestmark = pytest.mark.django_db

NAME = "Zaphod Beeblebrox-Qx7731q"
EMAIL = "zaphodQx7731q@example.org"
PHONE = "+30 699 773 1000"
MESSAGE = "Marker message Qx7731q about my old towels"
NOTE = "ZaphodQx7731q prefers Saturdays"
MARKERS = (NAME, EMAIL, PHONE, MESSAGE, NOTE, "Zaphod", "Qx7731q")


def sign_up_and_confirm(client):
    body = sign_up_body(name=NAME, email=EMAIL, phone=PHONE, message=MESSAGE)
    assert post_sign_up(client, body).status_code == 202
    return confirm(Supporter.objects.get(email=EMAIL))


def every_row_of_every_table():
    """(table, row) for each row of each table of the database, as text."""
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names():
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")
            for row in cursor.fetchall():
                yield table, " ".join(str(value) for value in row)


def test_export_prints_every_sign_up_with_the_address_and_is_logged(client):
    sign_up_and_confirm(client)
    post_sign_up(client, sign_up_body(name="Zaphod again", email=EMAIL.upper()))
    out = StringIO()

    call_command("supporter_data", "export", EMAIL, stdout=out)

    data = json.loads(out.getvalue())
    assert sorted(item["name"] for item in data["sign_ups"]) == [NAME, "Zaphod again"]
    assert data["sign_ups"][0]["support_types"]
    access = PersonalDataAccess.objects.get()
    assert (access.action, access.via, access.user) == ("export", "manage.py supporter_data", None)
    assert len(access.supporter_ids) == 2


def test_an_unknown_address_is_an_error():
    with pytest.raises(CommandError):
        call_command("supporter_data", "export", "nobody@example.org", stdout=StringIO())
    with pytest.raises(CommandError):
        call_command("supporter_data", "erase", "nobody@example.org", stdout=StringIO())


def test_erasure_leaves_no_personal_data_in_any_table_and_keeps_the_counts(
    client, coordinator, organisation
):
    """Signed up, confirmed, corrected in the admin, matched with a note, introduced:
    after erasure no table holds any of it, and the statistics still count them."""
    supporter = sign_up_and_confirm(client)
    client.force_login(coordinator)
    edit_url = supporters_admin.url_helper.get_action_url("edit", supporter.pk)
    form = client.get(edit_url).context["form"]
    data = {name: form[name].value() for name in form.fields}
    data.update(
        phone=PHONE,
        message=MESSAGE,
        support_types=[t.pk for t in supporter.support_types.all()],
        districts=[],
    )
    assert client.post(edit_url, data).status_code == 302
    match = record_match(supporter, make_need(organisation), coordinator, note=NOTE)
    move_match(match, Match.Status.INTRODUCED, coordinator, note=NOTE)
    found_before = [table for table, row in every_row_of_every_table() if EMAIL in row]
    assert "supporters_supporter" in found_before

    erase_url = supporters_admin.url_helper.get_action_url("erase", supporter.pk)
    assert client.post(erase_url).status_code == 302

    leaks = [
        (table, marker)
        for table, row in every_row_of_every_table()
        for marker in MARKERS
        if marker in row
    ]
    assert leaks == []
    assert Supporter.objects.count() == 1
    erased = Supporter.objects.get()
    assert erased.erased_at is not None
    assert erased.support_types.count() == 2
    assert Match.objects.filter(status="introduced").count() == 1
    assert MatchEvent.objects.count() == 2
    assert PersonalDataAccess.objects.filter(action="erase", user=coordinator).count() == 1


def test_erasure_deletes_unconfirmed_sign_ups(client):
    post_sign_up(client, sign_up_body(email=EMAIL))
    out = StringIO()

    call_command("supporter_data", "erase", EMAIL, stdout=out)

    assert Supporter.objects.exists() is False
    assert "1 sign-up" in out.getvalue()


def test_the_admin_export_action_downloads_the_persons_data(client, coordinator):
    supporter = sign_up_and_confirm(client)
    client.force_login(coordinator)

    response = client.get(supporters_admin.url_helper.get_action_url("export", supporter.pk))

    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    assert json.loads(response.content)["sign_ups"][0]["email"] == EMAIL
    assert PersonalDataAccess.objects.filter(action="export", user=coordinator).exists()


def test_every_view_and_export_in_the_admin_is_logged(client, coordinator, organisation):
    supporter = sign_up_and_confirm(client)
    need = make_need(organisation)
    client.force_login(coordinator)
    urls = supporters_admin.url_helper
    screens = [
        (urls.index_url, "view"),
        (urls.get_action_url("inspect", supporter.pk), "view"),
        (urls.get_action_url("edit", supporter.pk), "view"),
        (needs_admin.url_helper.get_action_url("matching", need.pk), "view"),
        (urls.index_url + "?export=csv", "export"),
        (urls.index_url + "?export=xlsx", "export"),
    ]
    for url, action in screens:
        PersonalDataAccess.objects.all().delete()
        response = client.get(url)
        assert response.status_code == 200, url
        access = PersonalDataAccess.objects.get()
        assert (access.action, access.user, access.supporter_ids) == (
            action,
            coordinator,
            [supporter.pk],
        ), url


def test_the_audit_log_holds_no_personal_data(client, coordinator):
    supporter = sign_up_and_confirm(client)
    client.force_login(coordinator)
    client.get(supporters_admin.url_helper.get_action_url("inspect", supporter.pk))

    rows = [
        row for table, row in every_row_of_every_table() if table == "supporters_personaldataaccess"
    ]
    assert rows
    assert not any(marker in row for row in rows for marker in MARKERS)
