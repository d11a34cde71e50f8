"""Storing an application: its terms resolved to the Greek taxonomy, its duplicates flagged."""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from snippets.models import OrganisationType, ServiceCategory

from .duplicates import as_stored, find_duplicates
from .models import OrganisationRegistration, RegistrationContact


class UnknownTerms(Exception):
    """Slugs of an application that name no term; `errors` holds (field, message) pairs."""

    def __init__(self, errors):
        super().__init__(errors)
        self.errors = errors


def _organisation_type(slug, errors):
    organisation_type = OrganisationType.objects.in_source_locale().filter(slug=slug).first()
    if organisation_type is None:
        errors.append(
            ("organisation_type", _("There is no organisation type “%(slug)s”.") % {"slug": slug})
        )
    return organisation_type


def _main_categories(slugs, errors):
    """The Greek main categories named by `slugs`; a subcategory's error names its parent."""
    found = {
        category.slug: category
        for category in ServiceCategory.objects.in_source_locale()
        .filter(slug__in=slugs)
        .select_related("parent")
    }
    categories = []
    for index, slug in enumerate(slugs):
        category = found.get(slug)
        field = f"service_categories.{index}"
        if category is None:
            errors.append((field, _("There is no service category “%(slug)s”.") % {"slug": slug}))
        elif category.parent_id:
            errors.append(
                (
                    field,
                    _("“%(slug)s” is a subcategory: give its main category, “%(parent)s”.")
                    % {"slug": slug, "parent": category.parent.slug},
                )
            )
        elif category not in categories:
            categories.append(category)
    return categories


@transaction.atomic
def submit_registration(application, *, language):
    """Store `application` (a validated `RegistrationIn`) as a pending registration.

    Raises UnknownTerms, storing nothing, when a slug names no organisation type or
    main service category. `language` is the applicant's: e-mails to them use it.
    """
    errors = []
    organisation_type = _organisation_type(application.organisation_type, errors)
    categories = _main_categories(application.service_categories, errors)
    if errors:
        raise UnknownTerms(errors)
    duplicates = find_duplicates(
        name=application.name, emails=application.emails, website=application.website
    )
    registration = OrganisationRegistration.objects.create(
        name=application.name,
        organisation_type=organisation_type,
        description=application.description,
        website=application.website,
        public_email=application.public_email,
        public_phone=application.public_phone,
        address=application.address,
        language=language,
        consented_at=timezone.now(),
        possible_duplicate=bool(duplicates),
        duplicate_reasons=as_stored(duplicates),
    )
    registration.service_categories.set(categories)
    RegistrationContact.objects.bulk_create(
        RegistrationContact(
            registration=registration, name=contact.name, email=contact.email, phone=contact.phone
        )
        for contact in application.contacts
    )
    return registration
