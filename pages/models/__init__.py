from .actions import ActionOccurrence, ActionPage, ActionSupportRequest
from .editorial import ContentPage, NewsIndexPage, NewsPage
from .home import HomePage
from .listing import (
    ServiceListing,
    ServiceListingGeneration,
    ServiceListingPayload,
    ServiceMapLayer,
)
from .open_calls import OpenCallAttachment, OpenCallPage
from .organisations import OrganisationContactPerson, OrganisationIndexPage, OrganisationPage
from .services import (
    ServiceClosure,
    ServiceMessagingChannel,
    ServiceOpeningHours,
    ServicePage,
    Weekday,
)

__all__ = [
    "ActionOccurrence",
    "ActionPage",
    "ActionSupportRequest",
    "ContentPage",
    "HomePage",
    "NewsIndexPage",
    "NewsPage",
    "OpenCallAttachment",
    "OpenCallPage",
    "OrganisationContactPerson",
    "OrganisationIndexPage",
    "OrganisationPage",
    "ServiceClosure",
    "ServiceListing",
    "ServiceListingGeneration",
    "ServiceListingPayload",
    "ServiceMapLayer",
    "ServiceMessagingChannel",
    "ServiceOpeningHours",
    "ServicePage",
    "Weekday",
]
