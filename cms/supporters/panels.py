"""The dashboard panel of offers received from synAthina: how many arrived lately for the
pages the user may see, without anyone's details (those stay behind the audited admin)."""

from datetime import timedelta

from django.utils import timezone
from wagtail.admin.ui.components import Component

from .modeladmin import received_offers_admin
from .models import ReceivedSupportOffer

RECENT_DAYS = 30


class RecentReceivedOffersPanel(Component):
    name = "recent_received_offers"
    template_name = "supporters/admin/recent_received_offers_panel.html"
    order = 60

    def render_html(self, parent_context=None):
        user = parent_context["request"].user
        if not received_offers_admin.permission_helper.user_can_list(user):
            return ""
        return super().render_html(parent_context)

    def get_context_data(self, parent_context=None):
        since = timezone.now() - timedelta(days=RECENT_DAYS)
        offers = ReceivedSupportOffer.objects.visible_to(parent_context["request"].user)
        return {
            "recent_count": offers.filter(received_at__gte=since).count(),
            "days": RECENT_DAYS,
            "offers_url": received_offers_admin.url_helper.index_url,
        }
