"""The shape of an organisation's application, as the registration endpoint accepts it.

Strings are stripped, bounded and checked with Django's own validators (the e-mail
and URL rules match the model fields they end up in). Whether the slugs name existing
terms is checked against the database when the application is submitted.
"""

from typing import Annotated

from django.core.exceptions import ValidationError
from django.core.validators import EmailValidator, URLValidator
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from ninja import Schema
from pydantic import AfterValidator, ConfigDict, Field, field_validator
from pydantic_core import PydanticCustomError

from .models import MAX_CONTACTS

# Digits, spaces and the usual separators; E.164 allows at most 15 digits.
PHONE_CHARACTERS = set("0123456789 +()-./")
PHONE_DIGITS = range(5, 16)
MAX_CATEGORIES = 20


def _checked_with(validator, error_type, message):
    """A pydantic check that runs a Django validator on a non-empty value."""

    def check(value):
        if value:
            try:
                validator(value)
            except ValidationError:
                # Translated now, in the language of the request.
                raise PydanticCustomError(error_type, str(message)) from None
        return value

    return AfterValidator(check)


def _valid_phone(value):
    digits = sum(character.isdigit() for character in value)
    if not set(value) <= PHONE_CHARACTERS or digits not in PHONE_DIGITS:
        raise ValidationError("invalid phone")


_valid_email = _checked_with(
    EmailValidator(), "invalid_email", gettext_lazy("Enter a valid e-mail address.")
)
EmailAddress = Annotated[str, Field(max_length=254), _valid_email]
# A contact's address becomes their user name, which holds 150 characters.
ContactEmailAddress = Annotated[str, Field(min_length=1, max_length=150), _valid_email]
WebAddress = Annotated[
    str,
    Field(max_length=200),
    _checked_with(
        URLValidator(schemes=["http", "https"]),
        "invalid_url",
        gettext_lazy("Enter a valid web address, starting with http:// or https://."),
    ),
]
PhoneNumber = Annotated[
    str,
    Field(max_length=40),
    _checked_with(
        _valid_phone,
        "invalid_phone",
        gettext_lazy("Enter a phone number of 5 to 15 digits (spaces, +, - and brackets allowed)."),
    ),
]
Slug = Annotated[str, Field(min_length=1, max_length=80)]


class ApplicationSchema(Schema):
    # Unknown fields are refused: a misspelt field would otherwise lose what it held.
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class ContactIn(ApplicationSchema):
    name: str = Field(min_length=1, max_length=150)
    email: ContactEmailAddress
    phone: PhoneNumber = ""


class RegistrationIn(ApplicationSchema):
    """An organisation's application to join the platform."""

    name: str = Field(min_length=1, max_length=255, description="The organisation's name.")
    organisation_type: Slug = Field(
        description="Slug of an organisation type, e.g. `ngo` or `migrant-community`."
    )
    description: str = Field(
        min_length=1, max_length=5000, description="What the organisation does, and for whom."
    )
    website: WebAddress = ""
    public_email: EmailAddress = Field("", description="Shown to the public once approved.")
    public_phone: PhoneNumber = Field("", description="Shown to the public once approved.")
    address: str = Field("", max_length=255)
    service_categories: list[Slug] = Field(
        min_length=1,
        max_length=MAX_CATEGORIES,
        description="Slugs of main service categories, e.g. `health`, `legal-support`.",
    )
    contacts: list[ContactIn] = Field(
        min_length=1,
        max_length=MAX_CONTACTS,
        description="1 to 3 people ACCMR can reach; each gets an account once approved.",
    )
    terms_accepted: bool = Field(
        strict=True, description="Must be `true`: the applicant accepts the terms of use."
    )
    website_confirmation: str = Field(
        "", description="Leave out or empty. Forms hide it from people; bots fill it in."
    )

    @field_validator("terms_accepted")
    @classmethod
    def _terms_must_be_accepted(cls, accepted):
        if not accepted:
            raise PydanticCustomError(
                "consent_required", str(_("The terms must be accepted to apply."))
            )
        return accepted

    @field_validator("contacts")
    @classmethod
    def _one_address_per_contact(cls, contacts):
        addresses = [contact.email.lower() for contact in contacts]
        if len(set(addresses)) < len(addresses):
            raise PydanticCustomError(
                "duplicate_email",
                str(_("Each contact person needs an e-mail address of their own.")),
            )
        return contacts

    @property
    def emails(self):
        """Every e-mail address the application gives."""
        return [self.public_email, *(contact.email for contact in self.contacts)]


class RegistrationCreated(Schema):
    id: int
    status: str
