"""The taxonomies in the admin: one menu group, lists with sensible columns and filters."""

from django.utils.translation import gettext_lazy as _
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup

from .models import (
    Language,
    MunicipalDistrict,
    OrganisationType,
    ServiceCategory,
    SupportType,
    TargetGroup,
    ThematicArea,
)


class TermViewSet(SnippetViewSet):
    list_display = ["name", "slug", "sort_order"]
    list_filter = ["locale"]
    search_fields = ["name", "slug"]
    ordering = ["sort_order", "name"]
    list_per_page = 50


class ServiceCategoryViewSet(TermViewSet):
    model = ServiceCategory
    icon = "folder-open-inverse"
    list_display = ["__str__", "slug"]
    list_filter = ["locale", "parent"]
    ordering = ["parent__sort_order", "parent__name", "sort_order"]


class TargetGroupViewSet(TermViewSet):
    model = TargetGroup
    icon = "group"


class OrganisationTypeViewSet(TermViewSet):
    model = OrganisationType
    icon = "site"


class LanguageViewSet(TermViewSet):
    model = Language
    icon = "globe"
    list_display = ["name", "native_name", "slug"]


class MunicipalDistrictViewSet(TermViewSet):
    model = MunicipalDistrict
    icon = "location"
    list_display = ["number", "name"]
    ordering = ["number"]


class ThematicAreaViewSet(TermViewSet):
    model = ThematicArea
    icon = "tag"
    list_display = ["name", "synathina_id", "slug"]
    ordering = ["synathina_id"]


class SupportTypeViewSet(TermViewSet):
    model = SupportType
    icon = "pick"
    list_display = ["name", "parent", "synathina_id", "published"]
    list_filter = ["locale", "published"]
    ordering = ["synathina_id"]


class TaxonomyViewSetGroup(SnippetViewSetGroup):
    menu_label = _("Taxonomies")
    menu_icon = "tag"
    menu_order = 300
    items = (
        ServiceCategoryViewSet,
        TargetGroupViewSet,
        OrganisationTypeViewSet,
        LanguageViewSet,
        MunicipalDistrictViewSet,
        ThematicAreaViewSet,
        SupportTypeViewSet,
    )
