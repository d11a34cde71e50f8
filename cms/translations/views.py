"""The translation status report for coordinators, in the admin and as CSV."""

import csv

from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.urls import reverse
from django.utils.translation import gettext_lazy
from django.views.defaults import permission_denied
from django.views.generic import TemplateView
from wagtail.admin.views.generic import WagtailAdminTemplateMixin

from . import status

# Coordinators have it (decision 33); editors and translators do not.
STATUS_PERMISSION = "wagtail_localize.submit_translation"
STATUS_URL_NAME = "translations_status"
COVERAGE_CSV_URL_NAME = "translations_status_csv"
OUT_OF_DATE_CSV_URL_NAME = "translations_out_of_date_csv"


def can_see_status(user):
    return user.has_perm(STATUS_PERMISSION)


class CoordinatorsOnlyMixin:
    def dispatch(self, request, *args, **kwargs):
        if not can_see_status(request.user):
            # A plain 403: Wagtail would turn PermissionDenied into a redirect to the dashboard.
            return permission_denied(request, PermissionDenied())
        return super().dispatch(request, *args, **kwargs)


def _out_of_date_rows():
    return [
        {
            "page": page,
            "edit_url": reverse("wagtailadmin_pages:edit", args=[page.pk]),
            "source_edit_url": reverse("wagtailadmin_pages:edit", args=[page.source_id]),
        }
        for page in status.out_of_date_translations()
    ]


class TranslationStatusView(CoordinatorsOnlyMixin, WagtailAdminTemplateMixin, TemplateView):
    template_name = "translations/status.html"
    page_title = gettext_lazy("Translation status")
    header_icon = "globe"

    def get_context_data(self, **kwargs):
        rows = status.coverage()
        return super().get_context_data(
            kinds=status.KINDS,
            languages=[
                (name, [row for row in rows if row.language_code == code])
                for code, name in status.target_languages()
            ],
            out_of_date=_out_of_date_rows(),
            coverage_csv_url=reverse(COVERAGE_CSV_URL_NAME),
            out_of_date_csv_url=reverse(OUT_OF_DATE_CSV_URL_NAME),
            **kwargs,
        )


def _csv_response(filename, header, rows):
    """A CSV download; its column names are fixed identifiers for spreadsheets and
    scripts, like the API's field names, not interface text."""
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    writer = csv.writer(response)
    writer.writerow(header)
    writer.writerows(rows)
    return response


class CoverageCSVView(CoordinatorsOnlyMixin, TemplateView):
    def get(self, request, *args, **kwargs):
        return _csv_response(
            "translation-coverage.csv",
            ["language", "kind", "translated", "total", "percent"],
            [
                [row.language_code, row.kind, row.translated, row.total, row.percent]
                for row in status.coverage()
            ],
        )


class OutOfDateCSVView(CoordinatorsOnlyMixin, TemplateView):
    def get(self, request, *args, **kwargs):
        return _csv_response(
            "translations-out-of-date.csv",
            [
                "language",
                "type",
                "title",
                "translation_last_published",
                "source_last_published",
                "edit_url",
            ],
            [
                [
                    row["page"].locale.language_code,
                    row["page"].content_type.model,
                    row["page"].title,
                    row["page"].last_published_at.isoformat(),
                    row["page"].source_published_at.isoformat(),
                    request.build_absolute_uri(row["edit_url"]),
                ]
                for row in _out_of_date_rows()
            ],
        )
