"""Language negotiation for every public endpoint (issue 4).

The requested language is `?lang=` if given (it must be one of `settings.LANGUAGES`),
else the first supported language of `Accept-Language`, else Greek, the source
language. Content missing in that language is served in English, else in Greek; the
response says which language it is in and whether that was a fallback.
"""

from django.conf import settings
from django.utils.translation import gettext as _
from django.utils.translation.trans_real import parse_accept_lang_header

from .problems import Problem

LANG_PARAM = "lang"
FALLBACK_LANGUAGES = ("en", settings.LANGUAGE_CODE)


def supported_languages():
    return [code for code, _name in settings.LANGUAGES]


def _supported(code):
    """`code` or its primary subtag (`en-GB` → `en`) if supported, else None."""
    code = code.lower()
    supported = supported_languages()
    if code in supported:
        return code
    primary = code.split("-")[0]
    return primary if primary in supported else None


def requested_language(request):
    """The language the client asked for: `?lang=`, then `Accept-Language`, then Greek."""
    if LANG_PARAM in request.GET:
        code = request.GET[LANG_PARAM]
        if code not in supported_languages():
            raise Problem(
                400,
                _("Unsupported language."),
                errors=[
                    {
                        "field": LANG_PARAM,
                        "message": _("Use one of: %(codes)s.")
                        % {"codes": ", ".join(supported_languages())},
                    }
                ],
                problem_type="validation-error",
            )
        return code
    for code, _quality in parse_accept_lang_header(request.headers.get("Accept-Language", "")):
        if code != "*" and (supported := _supported(code)):
            return supported
    return settings.LANGUAGE_CODE


def fallback_chain(language):
    """The languages to try, in order: the requested one, then English, then Greek."""
    return list(dict.fromkeys((language, *FALLBACK_LANGUAGES)))


def text_direction(language):
    return "rtl" if language in settings.RTL_LANGUAGES else "ltr"


def language_fields(requested, served):
    """The `language`, `fallback` and `dir` fields of a response served in `served`."""
    return {
        "language": served,
        "fallback": served != requested,
        "dir": text_direction(served),
    }
