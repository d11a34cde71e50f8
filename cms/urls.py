from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.urls import include, path
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.documents import urls as wagtaildocs_urls

from cms.api.v1 import api
from integrations.hsds.api import api as hsds_api

urlpatterns = [
    path("api/v1/", api.urls),
    path("api/hsds/", hsds_api.urls),
    path("admin/", include(wagtailadmin_urls)),
    path("documents/", include(wagtaildocs_urls)),
]

if settings.DEBUG:
    from django.conf.urls.static import static
    from django.contrib.staticfiles.urls import staticfiles_urlpatterns

    urlpatterns += staticfiles_urlpatterns()
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)

# Preview pages of each locale live under their language prefix (/el/, /en/, ...).
urlpatterns += i18n_patterns(path("", include(wagtail_urls)))
