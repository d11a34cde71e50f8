"""The need editor's form: organisations' editors write needs for their own only."""

from functools import reduce
from operator import or_

from django.db.models import Q
from wagtail.admin.forms import WagtailAdminModelForm

from pages.models import ServicePage

from .roles import editable_organisations


def services_of(organisations):
    """The services directly under any of `organisations`."""
    conditions = [
        Q(path__startswith=organisation.path, depth=organisation.depth + 1)
        for organisation in organisations
    ]
    if not conditions:
        return ServicePage.objects.none()
    return ServicePage.objects.filter(reduce(or_, conditions))


class NeedForm(WagtailAdminModelForm):
    """Offers only the organisations (and their services) the user may edit."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.for_user is not None:
            organisations = editable_organisations(self.for_user)
            self.fields["organisation"].queryset = organisations
            if self.instance.pk is None and len(own := list(organisations[:2])) == 1:
                # Most editors edit one organisation: choose it for them.
                self.initial.setdefault("organisation", own[0].pk)
            self.fields["service"].queryset = services_of(organisations)
