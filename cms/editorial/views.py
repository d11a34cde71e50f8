"""Admin views for keeping content current."""

from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _
from django.views.defaults import permission_denied
from django.views.generic import TemplateView
from wagtail.admin import messages
from wagtail.admin.utils import get_valid_next_url_from_request
from wagtail.admin.views.generic import WagtailAdminTemplateMixin

from pages.models import ServicePage

from . import reviews


class ConfirmServiceView(WagtailAdminTemplateMixin, TemplateView):
    """Confirm a service is still accurate: GET asks, POST records it.

    Buttons in the admin POST directly (with the CSRF token); the GET page is
    where links without JavaScript, and those in reminder e-mails, land.
    """

    template_name = "editorial/reviews/confirm_service.html"
    page_title = _("Confirm still accurate")
    header_icon = "check"
    http_method_names = ["get", "post"]

    def setup(self, request, page_id, *args, **kwargs):
        super().setup(request, *args, **kwargs)
        self.page = get_object_or_404(ServicePage, pk=page_id)

    def dispatch(self, request, *args, **kwargs):
        if not reviews.can_confirm(self.page, request.user):
            # A plain 403: Wagtail would turn PermissionDenied into a redirect to the dashboard.
            return permission_denied(request, PermissionDenied())
        return super().dispatch(request, *args, **kwargs)

    def get_page_subtitle(self):
        return self.page.get_admin_display_title()

    def get_next_url(self):
        return get_valid_next_url_from_request(self.request) or reverse(
            "wagtailadmin_pages:edit", args=[self.page.pk]
        )

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            page=self.page,
            next_review=reviews.review_dates(timezone.localdate())["next_review"],
            confirm_url=reverse(reviews.CONFIRM_URL_NAME, args=[self.page.pk]),
            next_url=self.get_next_url(),
            **kwargs,
        )

    def post(self, request, *args, **kwargs):
        dates = reviews.confirm_service(self.page, request.user)
        messages.success(
            request,
            _("'%(title)s' is confirmed as still accurate. Next review: %(date)s.")
            % {
                "title": self.page.get_admin_display_title(),
                "date": date_format(dates["next_review"]),
            },
        )
        return redirect(self.get_next_url())
