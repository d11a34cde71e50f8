"""export_translations / import_translations, and what reaches a machine translator."""

import json
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer
from io import StringIO
from urllib.parse import parse_qs

import polib
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from wagtail_localize.machine_translators.deepl import DeepLTranslator
from wagtail_localize.models import StringTranslation, Translation
from wagtail_localize.views.edit_translation import apply_machine_translation

from cms.onboarding.models import OrganisationRegistration
from cms.translations.catalogue import LOCALE_HEADER, export_catalogue
from snippets.models import ServiceCategory, TargetGroup
from tests.cms.editorial.backoffice import locale
from tests.cms.onboarding.conftest import make_registration
from tests.factories import make_service

from .conftest import CONTACT_EMAIL, CONTACT_NAME, CONTACT_PHONE

pytestmark = pytest.mark.django_db


def _term(slug):
    return ServiceCategory.objects.get(locale__language_code="el", slug=slug)


PRIVATE = [CONTACT_NAME, CONTACT_EMAIL, CONTACT_PHONE]


def export(language_code, path):
    call_command("export_translations", language_code, output=str(path), stderr=StringIO())
    return polib.pofile(str(path))


def import_file(language_code, path, user="translator"):
    output, errors = StringIO(), StringIO()
    try:
        call_command(
            "import_translations",
            language_code,
            str(path),
            user=user,
            stdout=output,
            stderr=errors,
        )
    finally:
        import_file.errors = errors.getvalue()
    return output.getvalue()


def fill(po, translations):
    for entry in po:
        entry.msgstr = translations.get(entry.msgid, "")
    return po


# --- Export -------------------------------------------------------------------------


def test_the_export_has_every_outstanding_string_of_live_content_only(
    organisation, service, tmp_path
):
    make_service(organisation, title="Πρόχειρο", publish=False)

    po = export("ar", tmp_path / "ar.po")

    texts = {entry.msgid for entry in po}
    assert {"Δίκτυο Αλληλεγγύης", "Στέγη και τροφή.", "Ιατρείο", "Δωρεάν ιατρική εξέταση."} <= texts
    assert _term("mental-health").name in texts  # a seed term, not translated into Arabic
    assert "Πρόχειρο" not in texts  # drafts are not exported
    assert po.metadata[LOCALE_HEADER] == "ar"
    assert all(entry.msgstr == "" for entry in po)
    service_title = next(entry for entry in po if entry.msgid == "Ιατρείο")
    assert service_title.msgctxt.endswith(":title") and "Ιατρείο" in service_title.comment


def test_strings_already_translated_are_not_outstanding(service, tmp_path):
    """The seed terms have English translations: none of their names is in the English file."""
    english = {entry.msgid for entry in export("en", tmp_path / "en.po")}

    assert _term("mental-health").name not in english
    assert "Ιατρείο" in english


def test_private_fields_never_reach_a_po_file(organisation, service, tmp_path):
    """Contact persons (and registrations, which are not content) are not in any export."""
    make_registration()
    assert OrganisationRegistration.objects.exists()

    text = (tmp_path / "ar.po").write_text("") or str(export("ar", tmp_path / "ar.po"))

    for private in [*PRIVATE, "Μαρία Παπαδοπούλου", "maria@solidarity-kypseli.example.org"]:
        assert private not in text
    assert "Δίκτυο Αλληλεγγύης" in text  # the organisation itself is there


def test_an_unknown_locale_is_refused(tmp_path):
    with pytest.raises(CommandError, match="Unknown locale 'xx'"):
        export("xx", tmp_path / "xx.po")
    with pytest.raises(CommandError, match="source language"):
        export("el", tmp_path / "el.po")


# --- Import -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ('msgid "a"\nmsgstr "b"\nmsgstr "c"\n', "Not a valid PO file"),
        ('msgid ""\nmsgstr ""\n"Language: ar\\n"\n', "no X-ACCMR-Locale header"),
        ('msgid ""\nmsgstr ""\n"X-ACCMR-Locale: fa\\n"\n', "for fa, not ar"),
    ],
)
def test_a_bad_file_is_refused_with_a_clear_error(arabic_translator, tmp_path, content, message):
    path = tmp_path / "bad.po"
    path.write_text(content, encoding="utf-8")

    with pytest.raises(CommandError, match=message):
        import_file("ar", path)


def test_a_missing_file_or_account_is_refused(arabic_translator, tmp_path):
    with pytest.raises(CommandError, match="No such file"):
        import_file("ar", tmp_path / "missing.po")
    path = tmp_path / "ar.po"
    export("ar", path)
    with pytest.raises(CommandError, match="No active account"):
        import_file("ar", path, user="nobody")


def test_the_import_reports_each_bad_entry_and_imports_the_rest(
    service, synced, arabic_translator, tmp_path
):
    path = tmp_path / "ar.po"
    po = fill(
        export("ar", path), {"Ιατρείο": "عيادة", _term("mental-health").name: "الصحة النفسية"}
    )
    title = next(entry for entry in po if entry.msgid == "Ιατρείο")
    po.append(polib.POEntry(msgid="Κάτι άλλο", msgstr="شيء آخر", msgctxt=title.msgctxt))
    po.append(polib.POEntry(msgid="Χωρίς", msgstr="بدون", msgctxt="not-an-id"))
    po.save(str(path))

    with pytest.raises(CommandError, match="2 entries could not be imported"):
        import_file("ar", path)

    assert "Unrecognised msgctxt" in import_file.errors
    assert "'Κάτι άλλο'" in import_file.errors
    assert StringTranslation.objects.filter(locale=locale("ar"), data="عيادة").exists()
    # A taxonomy term has no drafts: its translation is saved at once.
    assert TargetGroup.objects.filter(locale=locale("ar")).exists() is False
    assert _term("mental-health").get_translation(locale("ar")).name == "الصحة النفسية"


def test_existing_translations_are_kept_and_changes_counted(
    service, synced, arabic_translator, tmp_path
):
    path = tmp_path / "ar.po"
    fill(export("ar", path), {"Ιατρείο": "عيادة", "Δωρεάν ιατρική εξέταση.": "فحص مجاني."}).save(
        str(path)
    )
    import_file("ar", path)
    po = polib.pofile(str(path))
    for entry in po:
        if entry.msgid == "Ιατρείο":
            entry.msgstr = "العيادة"
        elif entry.msgid == "Δωρεάν ιατρική εξέταση.":
            entry.msgstr = ""  # left empty: the earlier translation stays
    po.save(str(path))

    summary = import_file("ar", path)

    assert "0 added, 1 changed" in summary
    arabic = set(
        StringTranslation.objects.filter(locale=locale("ar")).values_list("data", flat=True)
    )
    assert {"العيادة", "فحص مجاني."} <= arabic


def test_someone_who_may_not_edit_the_page_cannot_submit_it(service, synced, coordinator, tmp_path):
    """A French translator's import into Arabic keeps the strings but submits nothing."""
    from cms.editorial.roles import ensure_translators
    from tests.cms.editorial.backoffice import member

    member("french", ensure_translators(locale("fr")))
    path = tmp_path / "ar.po"
    fill(export("ar", path), {"Ιατρείο": "عيادة"}).save(str(path))

    with pytest.raises(CommandError):
        import_file("ar", path, user="french")

    assert "may not edit" in import_file.errors
    assert StringTranslation.objects.filter(locale=locale("ar"), data="عيادة").exists()
    arabic = service.get_translation(locale("ar"))
    assert arabic.alias_of_id == service.pk  # untouched


# --- Machine translation --------------------------------------------------------------


class FakeDeepL(BaseHTTPRequestHandler):
    """DeepL's /v2/translate on loopback: records each request, answers with markers."""

    requests = []

    def do_POST(self):
        body = self.rfile.read(int(self.headers["Content-Length"])).decode()
        form = parse_qs(body)
        FakeDeepL.requests.append({"headers": dict(self.headers), "form": form})
        answer = {"translations": [{"text": f"[ar] {text}"} for text in form["text"]]}
        payload = json.dumps(answer).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def log_message(self, *args):
        pass


@pytest.fixture
def fake_deepl():
    FakeDeepL.requests = []
    server = HTTPServer(("127.0.0.1", 0), FakeDeepL)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}/v2/translate"
    server.shutdown()
    server.server_close()


def test_a_machine_translator_never_receives_private_fields(
    organisation, service, synced, fake_deepl, arabic_translator
):
    """What wagtail-localize's "Translate with DeepL" sends for the organisation: its
    translatable texts, none of its contact persons."""
    export_catalogue(locale("ar"))  # sets up the Arabic translations, as an export does
    translation = Translation.objects.get(
        source__object_id=organisation.translation_key, target_locale=locale("ar")
    )

    class LoopbackDeepL(DeepLTranslator):
        def get_api_endpoint(self):
            return fake_deepl

    translator = LoopbackDeepL({"AUTH_KEY": "test-key:fx"})
    assert apply_machine_translation(translation.pk, arabic_translator, translator)

    [request] = FakeDeepL.requests
    assert request["headers"]["Authorization"] == "DeepL-Auth-Key test-key:fx"
    assert request["form"]["source_lang"] == ["EL"] and request["form"]["target_lang"] == ["AR"]
    sent = request["form"]["text"]
    assert "Δίκτυο Αλληλεγγύης" in sent and "Στέγη και τροφή." in sent
    for private in PRIVATE:
        assert not any(private in text for text in sent)
    assert StringTranslation.objects.filter(
        locale=locale("ar"), data="[ar] Δίκτυο Αλληλεγγύης", translation_type="machine"
    ).exists()


def test_deepl_uses_the_free_endpoint_for_free_keys():
    assert "api-free" in DeepLTranslator({"AUTH_KEY": "abc:fx"}).get_api_endpoint()
    assert "api-free" not in DeepLTranslator({"AUTH_KEY": "abc"}).get_api_endpoint()
