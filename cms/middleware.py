"""Django's LocaleMiddleware, minus its redirects for the API."""

from django.middleware.locale import LocaleMiddleware as DjangoLocaleMiddleware

API_PREFIX = "/api/"


class LocaleMiddleware(DjangoLocaleMiddleware):
    """On a 404, Django's middleware redirects to the language-prefixed URL when that
    one resolves, and Wagtail's catch-all under `/el/` resolves everything: an API
    404 would become a 302 to an HTML page. API responses are left as they are."""

    def process_response(self, request, response):
        if request.path_info.startswith(API_PREFIX):
            return response
        return super().process_response(request, response)
