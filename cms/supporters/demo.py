"""Demo supporters, needs and synAthina offers, so that a new coordinator can try the
matching screen at once, and an offer forwarded by synAthina for the demo editor's
organisation. Idempotent: only what is missing is added."""

from django.conf import settings
from django.utils import timezone

from pages.models import ActionPage, OrganisationPage
from snippets.models import MunicipalDistrict, SupportType

from .action_needs import sync_action_needs
from .models import Need, ReceivedSupportOffer, Supporter, SupportOffer

# name, kind, e-mail, synAthina support types, districts, availability, language, message
SUPPORTERS = [
    (
        "Ελένη Γεωργίου",
        "individual",
        "eleni.demo@example.org",
        [3, 6],
        [1, 6],
        "regular",
        "el",
        "Εκπαιδευτικός σε σύνταξη· μπορώ να φέρνω βιβλία και να διαβάζω σε παιδιά.",
    ),
    (
        "Nikos Andreou",
        "individual",
        "nikos.demo@example.org",
        [27, 36],
        [],
        "occasional",
        "en",
        "Volunteer interpreter (Arabic, Greek), weekends.",
    ),
    (
        "Φούρνος Η Κυψέλη",
        "company",
        "fournos.demo@example.org",
        [10],
        [6],
        "regular",
        "el",
        "Ψωμί και αρτοσκευάσματα της ημέρας, κάθε βράδυ.",
    ),
    (
        "Omar Haddad",
        "individual",
        "omar.demo@example.org",
        [36, 19],
        [1, 2],
        "regular",
        "en",
        "Arabic and French interpretation; communication campaigns.",
    ),
    (
        "Λογιστικό Γραφείο Παππά",
        "company",
        "pappas.demo@example.org",
        [18, 22],
        [],
        "once",
        "el",
        "Δωρεάν λογιστική υποστήριξη για μια χρήση.",
    ),
    (
        "Anna Kowalska",
        "individual",
        "anna.demo@example.org",
        [7, 8],
        [3, 4],
        "occasional",
        "en",
        "Clothes and blankets collected in my building.",
    ),
    (
        "Σύλλογος Γονέων 5ου Δημοτικού",
        "organisation",
        "syllogos.demo@example.org",
        [3, 6, 7],
        [5],
        "occasional",
        "el",
        "Συγκεντρώνουμε βιβλία, παιχνίδια και ρούχα δύο φορές τον χρόνο.",
    ),
    (
        "Tech for Good Athens",
        "company",
        "techforgood.demo@example.org",
        [9, 23],
        [],
        "regular",
        "en",
        "Laptops and digital skills workshops.",
    ),
]
# synAthina id, support type, district, offered by, description
OFFERS = [
    (90001, 3, 6, "Βιβλιοθήκη της γειτονιάς", "Παιδικά βιβλία για δανεισμό ή δωρεά."),
    (90002, 36, None, "Interpreters' collective", "Interpretation into Arabic, Farsi and Urdu."),
]
# An offer synAthina forwarded for the first demo organisation's first action.
RECEIVED_OFFER = {
    "offer_id": 91001,
    "idempotency_key": "demo-offer-91001",
    "message": "Μπορώ να φέρνω ψωμί και γλυκά για τη γιορτή.",
    "supporter_name": "Κατερίνα Δημητρίου",
    "supporter_organisation": "Φούρνος Η Κυψέλη",
    "supporter_email": "katerina.demo@example.org",
    "supporter_phone": "+30 690 000 0001",
}
RECEIVED_OFFER_TYPES = [10]
# support type, description: needs of the first demo organisations (the demo editor's first)
ORGANISATION_NEEDS = [
    (3, "Βιβλία για παιδιά 6-12 ετών για τη δανειστική μας βιβλιοθήκη."),
    (36, "Διερμηνεία στα αραβικά για τις συνεδρίες νομικής ενημέρωσης της Τρίτης."),
    (27, "Εθελοντές για τη διανομή τροφίμων του Σαββάτου."),
]


def _greek(model):
    return model.objects.filter(locale__language_code=settings.LANGUAGE_CODE)


def _install_received_offer(organisation, types):
    action = (
        organisation
        and _greek(ActionPage)
        .live()
        .child_of(organisation)
        .filter(source=ActionPage.Source.ACCMR)
        .order_by("path")
        .first()
    )
    if (
        action is None
        or ReceivedSupportOffer.objects.filter(offer_id=RECEIVED_OFFER["offer_id"]).exists()
    ):
        return 0
    # No body was ever signed for it: a request replaying its key is a 409.
    offer = ReceivedSupportOffer.objects.create(
        organisation=organisation, action=action, body_hash="", **RECEIVED_OFFER
    )
    offer.support_types.set([types[i] for i in RECEIVED_OFFER_TYPES])
    return 1


def install_supporters_demo():
    """Returns how many records of each kind were added."""
    types = {term.synathina_id: term for term in _greek(SupportType)}
    districts = {term.number: term for term in _greek(MunicipalDistrict)}
    added = {"supporters": 0, "needs": 0, "offers": 0, "received offers": 0}
    for name, kind, email, offered, where, availability, language, message in SUPPORTERS:
        if Supporter.objects.filter(email=email).exists():
            continue
        supporter = Supporter.objects.create(
            name=name,
            kind=kind,
            email=email,
            availability=availability,
            language=language,
            message=message,
            contact_consent=True,
            privacy_notice_version=settings.SUPPORTER_PRIVACY_NOTICE_VERSION,
            confirmed_at=timezone.now(),
        )
        supporter.support_types.set([types[i] for i in offered])
        supporter.districts.set([districts[n] for n in where])
        added["supporters"] += 1
    for synathina_id, type_id, number, offered_by, description in OFFERS:
        _offer, created = SupportOffer.objects.get_or_create(
            synathina_id=synathina_id,
            defaults={
                "support_type": types[type_id],
                "district": districts.get(number),
                "offered_by": offered_by,
                "description": description,
            },
        )
        added["offers"] += created
    organisations = _greek(OrganisationPage).live().order_by("path")
    added["received offers"] = _install_received_offer(organisations.first(), types)
    for organisation, (type_id, description) in zip(
        organisations, ORGANISATION_NEEDS, strict=False
    ):
        if not Need.objects.filter(organisation=organisation, description=description).exists():
            need = Need(
                organisation=organisation, support_type=types[type_id], description=description
            )
            need.save()
            need.save_revision().publish()
            added["needs"] += 1
    before = Need.objects.count()
    for action in _greek(ActionPage).live():
        sync_action_needs(action)
    added["needs"] += Need.objects.count() - before
    return added
