"""Ranking suggestions for a need, and a match's way through its statuses."""

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from cms.supporters.matching import (
    MatchRefused,
    move_match,
    record_match,
    suggest_supporters,
    support_offers_for,
)
from cms.supporters.models import Match, PersonalDataAccess, Supporter, SupportOffer
from tests.factories import (
    KYPSELI,
    district,
    make_organisation,
    make_service,
    support_type,
)

from .conftest import make_need, make_supporter

pytestmark = pytest.mark.django_db

MATERIAL, BOOKS, CLOTHES, LEGAL = 1, 3, 7, 17


def ranked(need):
    return [suggestion.supporter for suggestion in suggest_supporters(need)]


def test_full_matches_rank_above_partial_ones_and_non_matches_are_left_out():
    """The very type in the need's district beats the very type elsewhere, which beats a
    related type (any material resources, for a need of books) even in the district;
    a supporter offering something unrelated (legal support), or merely similar
    (clothes), is not suggested."""
    need = make_need(type_id=BOOKS)  # the organisation is at Syntagma, district 1
    full = make_supporter(name="full", types=[BOOKS], districts=[1])
    same_type_elsewhere = make_supporter(
        name="elsewhere", types=[BOOKS], districts=[6], availability=Supporter.Availability.ONCE
    )
    related_type_here = make_supporter(name="related", types=[MATERIAL], districts=[1])
    unrelated = make_supporter(name="unrelated", types=[LEGAL], districts=[1])
    sibling = make_supporter(name="sibling", types=[CLOTHES], districts=[1])

    suggestions = suggest_supporters(need)

    assert [s.supporter for s in suggestions] == [full, same_type_elsewhere, related_type_here]
    assert [s.score for s in suggestions] == [6 + 1.5 + 1, 6, 3 + 1.5 + 1]
    assert unrelated not in ranked(need)
    assert sibling not in ranked(need)


def test_a_supporter_of_a_specific_type_partly_matches_a_general_need():
    need = make_need(type_id=MATERIAL)
    books = make_supporter(name="books", types=[BOOKS])

    [suggestion] = suggest_supporters(need)

    assert suggestion.supporter == books
    assert suggestion.score == 3 + 0.5 + 1


def test_anywhere_counts_less_than_the_very_district():
    need = make_need(type_id=BOOKS)
    anywhere = make_supporter(name="anywhere", types=[BOOKS], districts=[])
    here = make_supporter(name="here", types=[BOOKS], districts=[1])
    elsewhere = make_supporter(name="elsewhere", types=[BOOKS], districts=[7])

    assert ranked(need) == [here, anywhere, elsewhere]


def test_availability_breaks_ties():
    need = make_need(type_id=BOOKS)
    once = make_supporter(name="once", availability=Supporter.Availability.ONCE)
    regular = make_supporter(name="regular", availability=Supporter.Availability.REGULAR)
    occasional = make_supporter(name="occ", availability=Supporter.Availability.OCCASIONAL)

    assert ranked(need) == [regular, occasional, once]


def test_a_supporter_introduced_recently_ranks_lower(coordinator):
    """Someone introduced last month goes after an otherwise equal supporter; an
    introduction long ago does not count."""
    need = make_need(type_id=BOOKS)
    busy = make_supporter(name="busy", types=[BOOKS], districts=[1])
    rested = make_supporter(name="rested", types=[BOOKS], districts=[1])
    earlier = record_match(busy, make_need(type_id=BOOKS), coordinator)
    move_match(earlier, Match.Status.INTRODUCED, coordinator)

    assert ranked(need) == [rested, busy]

    Match.objects.filter(pk=earlier.pk).update(introduced_at=timezone.now() - timedelta(days=200))
    assert ranked(need) == [busy, rested]  # equal again: the one who signed up first


def test_only_confirmed_consenting_unmatched_supporters_are_suggested(coordinator):
    need = make_need(type_id=BOOKS)
    make_supporter(name="unconfirmed", confirmed=False)
    make_supporter(name="no consent", contact_consent=False)
    make_supporter(name="erased", erased_at=timezone.now())
    matched = make_supporter(name="matched")
    record_match(matched, need, coordinator)
    eligible = make_supporter(name="eligible")

    assert ranked(need) == [eligible]


def test_a_services_district_is_the_needs_district():
    organisation = make_organisation()
    service = make_service(organisation, latitude=KYPSELI[0], longitude=KYPSELI[1])
    need = make_need(organisation, service=service)
    in_kypseli = make_supporter(name="kypseli", districts=[6])
    in_syntagma = make_supporter(name="syntagma", districts=[1])

    assert need.districts() == {district(6)}
    assert ranked(need) == [in_kypseli, in_syntagma]


def test_synathina_offers_of_the_needs_type_are_listed():
    need = make_need(type_id=BOOKS)
    nearby = SupportOffer.objects.create(
        synathina_id=1, support_type=support_type(BOOKS), district=district(1), offered_by="A"
    )
    far = SupportOffer.objects.create(
        synathina_id=2, support_type=support_type(BOOKS), district=district(5), offered_by="B"
    )
    SupportOffer.objects.create(synathina_id=3, support_type=support_type(LEGAL), offered_by="C")
    SupportOffer.objects.create(
        synathina_id=4, support_type=support_type(BOOKS), offered_by="D", active=False
    )

    assert support_offers_for(need) == [nearby, far]


# --- A match's way -----------------------------------------------------------------------


def test_a_match_moves_through_its_statuses_and_keeps_its_history(coordinator):
    need = make_need(type_id=BOOKS)
    supporter = make_supporter(language="en")
    match = record_match(supporter, need, coordinator, note="Good fit")

    match, emails = move_match(match, Match.Status.INTRODUCED, coordinator)
    assert match.introduced_at is not None
    assert len(emails) == 1  # the organisation has no editors with an address yet
    match, _emails = move_match(match, Match.Status.ACCEPTED, coordinator)
    match, _emails = move_match(match, Match.Status.COMPLETED, coordinator, note="Books delivered")

    assert [(event.status, event.note) for event in match.events.all()] == [
        ("proposed", "Good fit"),
        ("introduced", ""),
        ("accepted", ""),
        ("completed", "Books delivered"),
    ]
    assert PersonalDataAccess.objects.filter(action="introduce").count() == 1


@pytest.mark.parametrize(
    ("path", "refused"),
    [
        (["accepted"], "accepted"),
        (["introduced", "completed"], "completed"),
        (["declined", "introduced"], "introduced"),
    ],
)
def test_a_match_cannot_skip_or_go_back(coordinator, path, refused):
    match = record_match(make_supporter(), make_need(), coordinator)
    for status in path[:-1]:
        match, _emails = move_match(match, status, coordinator)

    with pytest.raises(MatchRefused):
        move_match(match, refused, coordinator)


def test_introducing_needs_the_organisations_consent(coordinator):
    match = record_match(make_supporter(), make_need(accepts_introductions=False), coordinator)

    with pytest.raises(MatchRefused):
        move_match(match, Match.Status.INTRODUCED, coordinator)
    match.refresh_from_db()
    assert match.status == "proposed"


def test_the_same_supporter_is_matched_with_a_need_once(coordinator):
    need, supporter = make_need(), make_supporter()
    record_match(supporter, need, coordinator)

    with pytest.raises(MatchRefused):
        record_match(supporter, need, coordinator)


def test_introduction_emails_go_to_both_sides_in_their_languages(coordinator, organisation, editor):
    """The supporter in the language they signed up in; each editor in their admin
    language (English here); the organisation's editors get the supporter's details."""
    need = make_need(organisation, type_id=BOOKS)
    supporter = make_supporter(language="el", email="eleni@example.org", name="Ελένη")
    match = record_match(supporter, need, coordinator)

    _match, emails = move_match(match, Match.Status.INTRODUCED, coordinator)
    for message in emails:
        message.send()

    to_supporter, to_editor = mail.outbox
    assert to_supporter.to == ["eleni@example.org"]
    assert "Δίκτυο Κυψέλης" in to_supporter.subject
    assert "Ελένη" in to_supporter.body
    assert "Η ομάδα του ACCMR" in to_supporter.body  # "The ACCMR team", in Greek
    assert to_editor.to == [editor.email]
    assert "A supporter for your need" in to_editor.subject
    assert "eleni@example.org" in to_editor.body
    assert "The ACCMR team" in to_editor.body
