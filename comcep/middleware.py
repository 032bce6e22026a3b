import logging
from urllib.parse import unquote_to_bytes

from django.conf import settings
from django.core.exceptions import SuspiciousOperation
from django.http import HttpResponseBadRequest, QueryDict
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.datastructures import MultiValueDict


class LanguageMiddleware:
    """French unless the person chose English with the language switch.

    Browsers' Accept-Language is ignored on purpose: the platform speaks French
    first, and English is a choice.
    """

    def __init__(self, get_response):
        self.get_response = get_response
        self.supported = {code for code, _name in settings.LANGUAGES}

    def __call__(self, request):
        language = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        if language not in self.supported:
            language = settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = language
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", language)
        translation.deactivate()
        return response


security_logger = logging.getLogger("django.security.NulByteRejected")


class NulByteRejected(SuspiciousOperation):
    """A NUL character in a form field: answered 400 by Django's handler."""


def _has_nul(values) -> bool:
    return any("\x00" in item for item in values)


class RejectNulBytesMiddleware:
    """Answer 400 to any request carrying a NUL character, wherever it hides.

    No text of the platform holds one: PostgreSQL refuses it in text columns (a 500 once it
    got that far), and it can cut a string short in the tools a value is handed to. So:

    * the path and the query string (raw or percent-encoded) are checked on arrival, and
      answered ``templates/400.html`` at once;
    * form fields, urlencoded or multipart, names and values, are checked when the body is
      parsed, i.e. the first time anything reads ``request.POST`` or ``request.FILES``. Doing it
      then rather than here keeps Django's contract that a view may choose its upload handlers
      before the body is read (the video upload does). Uploaded files' contents are not looked
      at: binary files hold NUL bytes by nature.

    A form field's refusal raises ``SuspiciousOperation``, which Django answers with the same
    page and logs to ``django.security``, as it does for other malformed bodies.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        query = unquote_to_bytes(request.META.get("QUERY_STRING", ""))
        if b"\x00" in query or "\x00" in request.path or "\x00" in request.path_info:
            # Answered here, before the session and the user are known: the page is rendered
            # without them (no context processor may run on a request this early).
            security_logger.warning("NUL character in the address: %r", request.path)
            return HttpResponseBadRequest(render_to_string("400.html"))
        parse = request._load_post_and_files

        def parse_and_check():
            parse()
            fields = request._post
            if (_has_nul(fields.keys()) or any(_has_nul(values) for _name, values in fields.lists())
                    or _has_nul(request._files.keys())):
                # What was parsed is dropped: nothing that catches the error may use it.
                request._post, request._files = QueryDict(), MultiValueDict()
                raise NulByteRejected("NUL character in a form field")

        request._load_post_and_files = parse_and_check
        return self.get_response(request)

