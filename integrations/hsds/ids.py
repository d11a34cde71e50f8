"""HSDS identifiers: UUIDs, stable and the same in every language.

Services, organisations and taxonomy terms are identified by their `translation_key`,
the UUID Wagtail gives an item and all its translations, so `/services/{id}` finds
the item without a lookup table. Records that have no key of their own (a service's
location, schedules, phones, attributes ...) and the taxonomies themselves get
UUID 5 names derived from their owner's UUID and what they are: the same content
always has the same id.
"""

import uuid

# The namespace of ACCMR's HSDS names; never change it (every derived id would change).
ACCMR_NAMESPACE = uuid.UUID("891b3776-2798-4bff-bd06-687a2f918570")


def derived_id(owner, *parts):
    """The UUID (as a string) of the record `parts` name under `owner` (a UUID or its
    string; None for ACCMR's own namespace)."""
    namespace = uuid.UUID(str(owner)) if owner else ACCMR_NAMESPACE
    return str(uuid.uuid5(namespace, "/".join(str(part) for part in parts)))


def parse_id(text):
    """A UUID from a path or query value, or None if `text` is not one."""
    try:
        return uuid.UUID(text)
    except (ValueError, AttributeError, TypeError):
        return None
