from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem

from .views import (
    COVERAGE_CSV_URL_NAME,
    OUT_OF_DATE_CSV_URL_NAME,
    STATUS_URL_NAME,
    CoverageCSVView,
    OutOfDateCSVView,
    TranslationStatusView,
    can_see_status,
)


@hooks.register("register_admin_urls")
def register_status_urls():
    return [
        path("translations/status/", TranslationStatusView.as_view(), name=STATUS_URL_NAME),
        path("translations/status.csv", CoverageCSVView.as_view(), name=COVERAGE_CSV_URL_NAME),
        path(
            "translations/out-of-date.csv",
            OutOfDateCSVView.as_view(),
            name=OUT_OF_DATE_CSV_URL_NAME,
        ),
    ]


class CoordinatorsMenuItem(MenuItem):
    def is_shown(self, request):
        return can_see_status(request.user)


@hooks.register("register_admin_menu_item")
def register_status_menu_item():
    return CoordinatorsMenuItem(
        _("Translation status"), reverse(STATUS_URL_NAME), icon_name="globe", order=170
    )
