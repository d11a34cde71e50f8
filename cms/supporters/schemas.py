"""The shape of a supporter's sign-up, as `POST /api/v1/supporters` accepts it.

Strings are stripped and bounded; e-mail and phone follow the onboarding rules. Whether
the ids name existing terms, and the privacy notice's version, are checked when the
sign-up is stored.
"""

from typing import Literal

from django.utils.translation import gettext as _
from ninja import Schema
from pydantic import Field, field_validator
from pydantic_core import PydanticCustomError

from cms.onboarding.schemas import ApplicationSchema, EmailAddress, PhoneNumber

MAX_SUPPORT_TYPES = 30
MAX_DISTRICTS = 7


class SupporterIn(ApplicationSchema):
    """Someone offering help: a person, a company or an organisation."""

    kind: Literal["individual", "company", "organisation"]
    name: str = Field(min_length=1, max_length=200)
    email: EmailAddress = Field(min_length=1, description="The confirmation link is sent here.")
    phone: PhoneNumber = ""
    support_types: list[int] = Field(
        min_length=1,
        max_length=MAX_SUPPORT_TYPES,
        description="synAthina ids of the support types offered (`/taxonomies/support-types`).",
    )
    districts: list[int] = Field(
        default_factory=list,
        max_length=MAX_DISTRICTS,
        description="Numbers (1-7) of the districts they can help in; none means anywhere.",
    )
    availability: Literal["regular", "occasional", "once"]
    message: str = Field("", max_length=5000)
    contact_consent: bool = Field(
        strict=True, description="Must be `true`: ACCMR may contact them about needs."
    )
    privacy_notice_version: str = Field(
        min_length=1, max_length=20, description="The version of the privacy notice shown."
    )
    website_confirmation: str = Field(
        "", description="Leave out or empty. Forms hide it from people; bots fill it in."
    )

    @field_validator("contact_consent")
    @classmethod
    def _consent_is_required(cls, consent):
        if not consent:
            raise PydanticCustomError(
                "consent_required", str(_("Consent to be contacted is needed to sign up."))
            )
        return consent


class SignUpAccepted(Schema):
    status: str
