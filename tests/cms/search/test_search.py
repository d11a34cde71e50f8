"""Text search over services and organisations, per language, on PostgreSQL."""

import uuid
from io import StringIO

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import connection, transaction
from wagtail.models import Locale, PageViewRestriction

from cms.api.language import supported_languages
from cms.api.listing import live_sources
from cms.search.documents import POSTGRESQL_WRITE_TERMS
from cms.search.models import SearchDocument, SearchTerm
from cms.search.queries import best_matches, filter_by_text, single_lexemes
from pages.models import OrganisationPage, ServicePage
from tests.cms.editorial.backoffice import translated_tree
from tests.factories import (
    category,
    english,
    make_organisation,
    make_service,
    organisation_type,
    target_group,
    translate_page,
)
from tests.pages.test_demo import load_demo_slice

pytestmark = pytest.mark.django_db


def greek_services():
    return ServicePage.objects.filter(locale__language_code=settings.LANGUAGE_CODE)


def found(language, query, queryset=None):
    """The ids of the Greek services a `language` search for `query` finds, best first."""
    queryset = greek_services() if queryset is None else queryset
    return list(
        filter_by_text(queryset, language, query)
        .order_by("-search_rank", "pk")
        .values_list("pk", flat=True)
    )


@pytest.fixture
def organisation(site_tree):
    return make_organisation(title="Γιατροί του Κόσμου")


@pytest.fixture
def health_centre(organisation):
    return make_service(
        organisation,
        title="Κέντρο Υγείας Κυψέλης",
        summary="Ψυχολογική υποστήριξη για ενήλικες και παιδιά.",
    )


@pytest.fixture
def english_clinic(health_centre, organisation):
    translate_page(organisation, "en", title="Doctors of the World")
    return translate_page(
        health_centre,
        "en",
        title="Kypseli free clinic",
        summary="Counselling for adults and children.",
    )


# --- Greek ------------------------------------------------------------------------


@pytest.mark.parametrize("query", ["υγεια", "ΥΓΕΙΑ", "Υγεία", "υγείας", "ΥΓΕΊΑΣ"])
def test_greek_ignores_accents_and_case(health_centre, query):
    """ "υγεια" in any case, with or without accents, finds "Υγείας"."""
    assert found("el", query) == [health_centre.pk]


def test_greek_finds_other_inflections(health_centre):
    """Stemming: the genitive "ψυχολογικής υποστήριξης" finds "Ψυχολογική υποστήριξη"."""
    assert found("el", "ψυχολογικής υποστήριξης") == [health_centre.pk]


def test_greek_function_words_in_the_query_are_not_required(health_centre):
    """Greek articles and prepositions in a query need not appear in the text."""
    assert "τα" not in health_centre.summary.split()
    assert found("el", "υποστήριξη για τα παιδιά") == [health_centre.pk]


def test_all_words_must_match(health_centre):
    """A word found nowhere in the document excludes the page."""
    assert found("el", "υγεία στέγαση") == []
    assert found("el", "στέγαση or υγεία") == [health_centre.pk]


def test_a_title_match_ranks_above_a_summary_match(organisation):
    """Weights: the word in the title beats the same word in the summary."""
    in_summary = make_service(
        organisation, title="Κοινωνική κουζίνα", summary="Στέγαση και φαγητό."
    )
    in_title = make_service(organisation, title="Στέγαση οικογενειών", summary="Για οικογένειες.")
    assert found("el", "στέγαση") == [in_title.pk, in_summary.pk]
    ranks = filter_by_text(greek_services(), "el", "στέγαση").values_list("search_rank", flat=True)
    assert all(isinstance(rank, float) and rank > 0 for rank in ranks)


def test_taxonomy_terms_and_organisation_name_are_searched(organisation):
    """A service is found by its categories' and target groups' names and its
    organisation's name, in the language searched."""
    service = make_service(
        organisation,
        title="Πρωινό πρόγραμμα",
        summary="Κάθε Δευτέρα.",
        categories=[category("primary-care")],
        target_groups=[target_group("asylum-seekers")],
    )
    primary_care = category("primary-care")
    assert found("el", primary_care.name) == [service.pk]
    assert found("el", primary_care.parent.name) == [service.pk]
    assert found("el", "αιτούντες άσυλο") == [service.pk]
    assert found("el", "Κόσμου") == [service.pk]


# --- English, Arabic and the fallback ----------------------------------------------


def test_english_stemming(english_clinic, health_centre):
    """ "clinics" finds the English "clinic"; "counsel" finds "Counselling"."""
    assert found("en", "clinics") == [health_centre.pk]
    assert found("en", "Counsel") == [health_centre.pk]
    assert found("en", "housing") == []


def test_english_search_reads_english_terms(english_clinic, health_centre):
    """Category names are searched in English in an English search."""
    assert found("en", category("primary-care").get_translation(english()).name) == [
        health_centre.pk
    ]
    assert found("en", "asylum") == []


def test_arabic(health_centre, organisation):
    """An Arabic translation is searched in Arabic, with Arabic stemming."""
    translated_tree("ar")
    translate_page(organisation, "ar", title="أطباء العالم")
    translate_page(health_centre, "ar", title="دروس اللغة اليونانية", summary="دعم نفسي للأطفال")
    assert found("ar", "اللغة") == [health_centre.pk]
    assert found("ar", "دروس اليونانية") == [health_centre.pk]
    assert found("ar", "النفسي") == [health_centre.pk]
    assert found("ar", "υγεια") == []  # the Greek text is not what Arabic readers are served


def test_a_language_without_translation_searches_english(english_clinic, health_centre):
    """Farsi without a Farsi translation: the English text (served instead) is searched."""
    assert found("fa", "clinic") == [health_centre.pk]
    assert found("fa", "υγεια") == []


def test_an_alias_is_not_a_translation(english_clinic, health_centre, organisation):
    """A language with only wagtail-localize's synced (Greek) copy searches its fallback."""
    translated_tree("ar")
    translate_page(organisation, "ar")
    alias = health_centre.copy_for_translation(Locale.objects.get(language_code="ar"), alias=True)
    health_centre.save_revision().publish()  # which also updates the alias
    alias.refresh_from_db()
    assert alias.live
    assert found("ar", "clinic") == [health_centre.pk]
    assert found("ar", "Κυψέλης") == []


def test_without_english_either_greek_is_searched(health_centre):
    """French with neither French nor English: the Greek text is searched, accents aside."""
    assert found("fr", "υγεια") == [health_centre.pk]
    assert found("en", "ΥΓΕΙΑ") == [health_centre.pk]


# --- What never matches --------------------------------------------------------------


def test_drafts_never_match(organisation):
    """A page never published has no document."""
    make_service(organisation, title="Νομική συμβουλευτική", publish=False)
    assert found("el", "νομική") == []


def test_unpublished_and_republished(health_centre):
    """Unpublishing removes the page from search; publishing again brings it back."""
    health_centre.unpublish()
    assert found("el", "υγεια") == []
    health_centre.get_latest_revision().publish()
    assert found("el", "υγεια") == [health_centre.pk]


def test_private_pages_never_match(health_centre, django_capture_on_commit_callbacks):
    """A view restriction takes the page out of search; lifting it puts it back."""
    with django_capture_on_commit_callbacks(execute=True):
        restriction = PageViewRestriction.objects.create(
            page=health_centre, restriction_type=PageViewRestriction.PASSWORD, password="secret"
        )
    assert found("el", "υγεια") == []
    with django_capture_on_commit_callbacks(execute=True):
        restriction.delete()
    assert found("el", "υγεια") == [health_centre.pk]


def test_pages_under_a_private_organisation_never_match(
    health_centre, organisation, django_capture_on_commit_callbacks
):
    """A restriction on the organisation covers its services."""
    with django_capture_on_commit_callbacks(execute=True):
        PageViewRestriction.objects.create(
            page=organisation, restriction_type=PageViewRestriction.LOGIN
        )
    assert found("el", "υγεια") == []


def test_deleting_a_private_organisation(
    health_centre, organisation, django_capture_on_commit_callbacks
):
    """Its restriction goes with it, and its documents and its services' are deleted."""
    with django_capture_on_commit_callbacks(execute=True):
        PageViewRestriction.objects.create(
            page=organisation, restriction_type=PageViewRestriction.LOGIN
        )
    with django_capture_on_commit_callbacks(execute=True):
        organisation.delete()
    assert not SearchDocument.objects.filter(
        page_id__in=[organisation.pk, health_centre.pk]
    ).exists()


def test_an_unpublished_translation_never_matches(health_centre, organisation):
    """An English draft is not searched: English searches read the Greek text."""
    translate_page(organisation, "en")
    translate_page(health_centre, "en", title="Draft clinic", publish=False)
    assert found("en", "clinic") == []
    assert found("en", "υγεια") == [health_centre.pk]


def test_unpublishing_a_translation_falls_back(english_clinic, health_centre):
    """The English copy unpublished: an English search reads the Greek text again."""
    english_clinic.unpublish()
    assert found("en", "clinic") == []
    assert found("en", "υγεια") == [health_centre.pk]


def test_documents_follow_edits_when_published(health_centre):
    """A saved draft changes nothing; publishing it does."""
    health_centre.title = "Κοινωνικό φαρμακείο"
    revision = health_centre.save_revision()
    assert found("el", "φαρμακείο") == []
    assert found("el", "Κυψέλης") == [health_centre.pk]
    revision.publish()
    assert found("el", "φαρμακείο") == [health_centre.pk]
    assert found("el", "Κυψέλης") == []


def test_deleting_a_translation_falls_back(english_clinic, health_centre):
    """The English copy deleted: English searches read the Greek text."""
    english_clinic.delete()
    assert found("en", "clinic") == []
    assert found("en", "υγεια") == [health_centre.pk]


def test_deleting_the_source_deletes_its_documents(health_centre):
    health_centre.delete()
    assert not SearchDocument.objects.filter(page_id=health_centre.pk).exists()


def test_moving_a_service_follows_its_new_organisation(health_centre):
    """The organisation's name in the document is the new one after a move."""
    other = make_organisation(title="Άρσις")
    health_centre.move(other, pos="last-child")
    assert found("el", "Άρσις") == [health_centre.pk]
    assert found("el", "Κόσμου") == []


# --- Organisations --------------------------------------------------------------------


def test_organisations_are_searched_by_description_and_type(site_tree):
    organisation = make_organisation(
        title="Μέλισσα",
        description="<p>Δίκτυο μεταναστριών για την <b>ενδυνάμωση</b> γυναικών.</p>",
        organisation_type=organisation_type("ngo"),
    )
    greek_organisations = OrganisationPage.objects.filter(locale__language_code="el")
    assert found("el", "μεταναστριών", greek_organisations) == [organisation.pk]
    assert found("el", "ΕΝΔΥΝΑΜΩΣΗ γυναικες", greek_organisations) == [organisation.pk]
    assert found("el", organisation_type("ngo").name, greek_organisations) == [organisation.pk]


# --- Input and the caller's queryset -------------------------------------------------


@pytest.mark.parametrize(
    "query",
    [
        '"',
        "'",
        '"unclosed phrase',
        "(((",
        ")) & | ! : * <-> \\",
        "a:* & !b",
        "x" * 500,
        "υγεία " * 100,
        "\x00",
        "υγεία\x00",
        "the and of",
        "και για το",
        "-",
        "or",
        "- - or or",
        "<script>alert(1)</script>",
        "%_%",
        "'; DROP TABLE search_searchdocument; --",
        "😀 ☃",
    ],
)
def test_hostile_input_never_fails(health_centre, english_clinic, query):
    """Whatever the text, the search runs (and matches nothing unless it should)."""
    for language in ("el", "en", "ar", "fa"):
        result = found(language, query)
        assert result in ([], [health_centre.pk])


def test_only_stop_words_match_nothing(health_centre, english_clinic):
    assert found("en", "the and of") == []
    assert found("el", "και για το") == []


@pytest.mark.parametrize("query", ["", "   ", None])
def test_a_blank_query_filters_nothing(health_centre, query):
    """Blank is the caller's business: every page stays, ranked 0."""
    results = filter_by_text(greek_services(), "el", query)
    assert [(page.pk, page.search_rank) for page in results] == [(health_centre.pk, 0.0)]


def test_further_filters_chain(organisation):
    """The result is an ordinary queryset: more filters, counting and slicing work."""
    remote = make_service(organisation, title="Υγεία από απόσταση", delivery="remote")
    make_service(organisation, title="Υγεία στη γειτονιά")
    searched = filter_by_text(live_sources(ServicePage), "el", "υγεια")
    assert searched.count() == 2
    assert list(searched.filter(delivery="remote").values_list("pk", flat=True)) == [remote.pk]
    assert len(searched.order_by("-search_rank")[:1]) == 1


def test_the_search_adds_no_query_per_row(organisation, django_assert_num_queries):
    """One query for the page whatever the number of matches: documents are subqueries."""
    for number in range(5):
        make_service(organisation, title=f"Κέντρο υγείας {number}")
    with django_assert_num_queries(1):
        pages = list(filter_by_text(greek_services(), "el", "υγεια").order_by("-search_rank"))
    assert len(pages) == 5
    with django_assert_num_queries(1):
        assert filter_by_text(greek_services(), "fa", "υγεια").count() == 5


# --- Rebuilding and the demo ----------------------------------------------------------


def test_rebuild_restores_every_document(english_clinic, health_centre):
    """The command rebuilds what publishing wrote, in every language."""
    published = sorted(
        SearchDocument.objects.values_list("page_id", "language", "served_language", "title")
    )
    SearchDocument.objects.all().delete()
    output = StringIO()
    call_command("rebuild_search_documents", stdout=output)
    assert "Search documents rebuilt: 14" in output.getvalue()  # 2 pages, 7 languages
    rebuilt = sorted(
        SearchDocument.objects.values_list("page_id", "language", "served_language", "title")
    )
    assert rebuilt == published
    assert found("en", "clinics") == [health_centre.pk]


def test_every_language_has_a_document_served_by_the_fallback(english_clinic, health_centre):
    documents = dict(
        SearchDocument.objects.filter(page_id=health_centre.pk).values_list(
            "language", "served_language"
        )
    )
    assert documents == {
        "el": "el",
        "en": "en",
        "ar": "en",
        "fa": "en",
        "fr": "en",
        "uk": "en",
        "ur": "en",
    }


def test_services_of_an_unpublished_organisation_have_no_documents(health_centre, organisation):
    """Only what the API lists has documents (decision 87), so one-word searches may count
    matches from them alone."""
    organisation.unpublish()
    assert not SearchDocument.objects.filter(page_id=health_centre.pk).exists()
    assert not SearchTerm.objects.filter(page_id=health_centre.pk).exists()
    organisation.get_latest_revision().publish()
    assert SearchDocument.objects.filter(page_id=health_centre.pk).count() == 7
    assert found("el", "υγεια") == [health_centre.pk]


def _ranked_alone(document):
    """{lexeme: ts_rank of `document` for that lexeme alone}, computed by PostgreSQL."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT term.lexeme, ts_rank(document.vector, "
            "  websearch_to_tsquery('simple', '\"' || term.lexeme || '\"'))"
            " FROM search_searchdocument AS document, unnest(document.vector) AS term"
            " WHERE document.id = %s",
            [document.pk],
        )
        return dict(cursor.fetchall())


def test_each_lexeme_is_kept_with_the_documents_rank_for_it(english_clinic, health_centre):
    for document in SearchDocument.objects.filter(page_id=health_centre.pk):
        terms = document.terms.all()
        assert {term.lexeme: term.rank for term in terms} == pytest.approx(_ranked_alone(document))
        assert {(term.language, term.page_id, term.config) for term in terms} == {
            (document.language, document.page_id, document.config)
        }
        assert {term.page_type.model_class() for term in terms} == {ServicePage}
    greek = SearchTerm.objects.get(language="el", lexeme="υγει", page_id=health_centre.pk)
    summary_only = SearchTerm.objects.get(language="el", lexeme="ψυχολογικ")
    assert greek.rank > summary_only.rank > 0  # a title (A) outweighs a summary (B)


def test_terms_follow_their_documents(english_clinic, health_centre):
    health_centre.unpublish()
    assert not SearchTerm.objects.filter(page_id=health_centre.pk).exists()
    health_centre.get_latest_revision().publish()
    kept = sorted(SearchTerm.objects.values_list("language", "page_id", "lexeme", "rank"))
    assert {language for language, *_ in kept} == set(supported_languages())
    SearchDocument.objects.all().delete()
    assert not SearchTerm.objects.exists()
    call_command("rebuild_search_documents", stdout=StringIO())
    assert sorted(SearchTerm.objects.values_list("language", "page_id", "lexeme", "rank")) == kept


def test_quotes_and_backslashes_in_a_lexeme_are_not_query_syntax(health_centre):
    """Lexemes may hold any character (the simple configuration keeps URLs and paths):
    each is ranked as itself, one occurrence in the title (A), summary (B), body (C)
    weighing 1, 0.4 and 0.2."""
    document = SearchDocument.objects.get(page_id=health_centre.pk, language="el")
    document.terms.all().delete()
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE search_searchdocument SET vector = %s::tsvector WHERE id = %s",
            ["'o''neil':1A 'c:\\\\temp':2B 'a&b|!c':3C", document.pk],
        )
        cursor.execute(POSTGRESQL_WRITE_TERMS, [[health_centre.pk]])
    ranks = dict(document.terms.values_list("lexeme", "rank"))
    assert set(ranks) == {"o'neil", "c:\\temp", "a&b|!c"}
    assert ranks["o'neil"] / ranks["a&b|!c"] == pytest.approx(5)
    assert ranks["c:\\temp"] / ranks["a&b|!c"] == pytest.approx(2)


@pytest.mark.parametrize(
    ("language", "query", "expected"),
    [
        ("en", "Services", {"accmr_english": "servic", "accmr_greek": "services"}),
        # Greek requests read English fallbacks too, in the English configuration.
        ("el", "Υγεία", {"accmr_greek": "υγει", "accmr_english": "υγεια"}),
        ("el", "και", {"accmr_english": "και"}),  # a Greek function word, not an English one
        ("en", "the", {"accmr_greek": "the"}),  # an English stop word, not a Greek one
        (
            "fa",
            "clinics",
            {"accmr_simple": "clinics", "accmr_english": "clinic", "accmr_greek": "clinics"},
        ),
        ("en", "social services", None),
        ("en", '"legal aid"', None),
        ("en", "legal or food", None),
        ("en", "-legal", None),
        ("en", "covid-19", None),  # a phrase of its parts
        ("en", '"health"', {"accmr_english": "health", "accmr_greek": "health"}),
    ],
)
def test_single_lexemes_only_for_one_word(language, query, expected):
    assert single_lexemes(language, query) == expected


def test_a_word_is_parsed_once_per_process(django_assert_num_queries):
    """The parse depends on the configurations alone: asked again, no query."""
    word = f"λέξη{uuid.uuid4().hex}"  # never parsed before in this process
    with django_assert_num_queries(1):
        first = single_lexemes("el", word)
    with django_assert_num_queries(0):
        assert single_lexemes("el", word) == first
    with django_assert_num_queries(1):  # another language reads other configurations
        single_lexemes("fa", word)


def test_best_matches_ranks_and_counts_as_the_full_search(
    organisation, english_clinic, health_centre, django_assert_num_queries
):
    make_service(organisation, title="Υγεία των παιδιών", summary="Εμβόλια.")
    make_service(organisation, title="Οδοντίατρος", summary="Στοματική υγεία.")
    make_service(organisation, title="Νομική βοήθεια", summary="Άσυλο και υγεία.")
    for language in ("el", "en", "ar"):
        lexemes = single_lexemes(language, "υγεία")
        expected = [
            (page.pk, pytest.approx(page.search_rank))
            for page in filter_by_text(live_sources(ServicePage), language, "υγεία").order_by(
                "-search_rank", "pk"
            )
        ]
        # In English the health centre is served in English, without the word.
        assert len(expected) == (3 if language != "el" else 4)
        for offset, limit in [(0, 10), (0, 2), (2, 2), (3, 5), (4, 2)]:
            with django_assert_num_queries(1):
                matches, count = best_matches(
                    ServicePage, language, lexemes, offset=offset, limit=limit
                )
            assert matches == expected[offset : offset + limit]
            assert count == len(expected)


@pytest.fixture
def demo_slice(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic():
        load_demo_slice()
        yield
        transaction.set_rollback(True)


def test_load_demo_writes_documents(demo_slice):
    """Publishing the demo's translations writes every service's and organisation's
    documents: `make run` needs no rebuild."""
    sources = ServicePage.objects.filter(locale__language_code="el").live()
    assert sources.count() == 9
    for page in sources:
        languages = SearchDocument.objects.filter(page_id=page.pk).values_list(
            "language", flat=True
        )
        assert sorted(languages) == sorted(code for code, _name in settings.LANGUAGES)
    service = sources.first()
    english_title = service.get_translation(english()).title
    assert service.pk in found("en", english_title)
    assert service.pk in found("el", service.title.upper())


def test_renaming_a_term_refreshes_the_pages_naming_it(english_clinic, health_centre):
    """A new English name for a category is what English searches find."""
    english_term = category("primary-care").get_translation(english())
    english_term.name = "Walk-in doctors"
    english_term.save()
    assert found("en", "doctors") == [health_centre.pk]
    assert found("el", "doctors") == []
