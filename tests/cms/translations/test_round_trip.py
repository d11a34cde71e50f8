"""The issue's round trip: a Greek service → PO for Arabic → translated and imported →
submitted → approved → served in Arabic by the API; then the Greek source changes and
the status report marks the Arabic translation out of date."""

from io import StringIO

import polib
import pytest
from django.core.management import call_command
from django.urls import reverse
from wagtail.models import WorkflowState

from cms.translations.status import out_of_date_translations
from pages.models import ServicePage
from tests.cms.editorial.backoffice import locale, logged_in, workflow_action_url

pytestmark = pytest.mark.django_db

ARABIC = {
    "Δίκτυο Αλληλεγγύης": "شبكة التضامن",
    "Στέγη και τροφή.": "مأوى وطعام.",
    "Ιατρείο": "عيادة",
    "Δωρεάν ιατρική εξέταση.": "فحص طبي مجاني.",
    "Για όλους, χωρίς έγγραφα.": "للجميع، بدون وثائق.",
}


def translate_file(path, translations):
    """What the agency does: fill in the msgstr of the strings it knows."""
    po = polib.pofile(str(path))
    for entry in po:
        if entry.msgid in translations:
            entry.msgstr = translations[entry.msgid]
    po.save(str(path))


def test_a_greek_service_goes_to_arabic_and_back_through_a_po_file(
    client,
    organisation,
    service,
    synced,
    coordinator,
    arabic_translator,
    tmp_path,
    django_capture_on_commit_callbacks,
):
    exported = tmp_path / "ar.po"
    call_command("export_translations", "ar", output=str(exported), stderr=StringIO())
    translate_file(exported, ARABIC)

    output = StringIO()
    call_command("import_translations", "ar", str(exported), user="translator", stdout=output)

    assert "5 added, 0 changed" in output.getvalue()
    arabic = ServicePage.objects.get(translation_key=service.translation_key, locale=locale("ar"))
    # Submitted, not live: until approved the API falls back to Greek.
    assert arabic.alias_of_id is None
    assert arabic.current_workflow_state.status == WorkflowState.STATUS_IN_PROGRESS
    assert client.get(f"/api/v1/services/{service.pk}?lang=ar").json()["fallback"] is True

    approver = logged_in(coordinator)
    for page in (arabic.get_parent().specific, arabic):
        with django_capture_on_commit_callbacks(execute=True):
            response = approver.post(workflow_action_url(page, "approve"), {"comment": ""})
        assert response.status_code == 302

    body = client.get(f"/api/v1/services/{service.pk}?lang=ar").json()
    assert (body["language"], body["dir"], body["fallback"]) == ("ar", "rtl", False)
    assert (body["title"], body["summary"], body["eligibility"]) == (
        "عيادة",
        "فحص طبي مجاني.",
        "للجميع، بدون وثائق.",
    )
    assert body["organisation"]["title"] == "شبكة التضامن"
    assert body["latitude"] == float(service.latitude)
    assert list(out_of_date_translations()) == []

    service.summary = "Δωρεάν ιατρική εξέταση, και για παιδιά."
    service.save_revision().publish()

    assert [page.pk for page in out_of_date_translations()] == [arabic.pk]
    report = logged_in(coordinator).get(reverse("translations_status"))
    assert reverse("wagtailadmin_pages:edit", args=[arabic.pk]) in report.content.decode()
    # The next export asks for the changed sentence only.
    call_command("export_translations", "ar", output=str(exported), stderr=StringIO())
    outstanding = [entry.msgid for entry in polib.pofile(str(exported))]
    assert "Δωρεάν ιατρική εξέταση, και για παιδιά." in outstanding
    assert not set(ARABIC) & set(outstanding)
