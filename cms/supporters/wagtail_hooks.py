"""Wagtail loads this module: the back office, needs as moderated snippets, and the
dashboard panel of offers received from synAthina."""

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.panels import ObjectList
from wagtail.permissions import register_permission_policy
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import EditView, SnippetViewSet

from .forms import NeedForm
from .modeladmin import received_offers_admin, supporters_network
from .models import Need
from .panels import RecentReceivedOffersPanel
from .roles import NeedPermissionPolicy

supporters_network.register_with_wagtail()
received_offers_admin.register_with_wagtail()
# Editors of an organisation may write its needs: see roles.NeedPermissionPolicy.
register_permission_policy(Need, NeedPermissionPolicy(Need))


class NeedEditView(EditView):
    """Wagtail's snippet editor checks the model permission only: editors may open the
    needs of their own organisations, not any need by its id."""

    def get_object(self, queryset=None):
        need = super().get_object(queryset)
        if not self.user_has_permission_for_instance("change", need):
            raise PermissionDenied
        return need


class NeedViewSet(SnippetViewSet):
    """Organisations' needs, written by their editors and moderated by coordinators.

    Needs on actions are not listed: they follow the action's requested support.
    """

    model = Need
    icon = "help"
    menu_label = _("Needs")
    menu_name = "needs"
    add_to_admin_menu = True
    menu_order = 175
    list_display = ["__str__", "support_type", "needed_until", "updated_at"]
    list_filter = ["support_type"]
    edit_handler = ObjectList(Need.panels, base_form_class=NeedForm)
    edit_view_class = NeedEditView

    def get_queryset(self, request):
        return self.permission_policy.instances_user_has_any_permission_for(
            request.user, ["change", "view"]
        ).filter(action__isnull=True)


register_snippet(NeedViewSet)


@hooks.register("construct_homepage_panels")
def add_recent_received_offers_panel(request, panels):
    panels.append(RecentReceivedOffersPanel())
