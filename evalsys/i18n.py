"""Languages of the interface: the user's choice (cookie), then Accept-Language, then Dutch."""

from __future__ import annotations

from pyramid.i18n import TranslationStringFactory

_ = TranslationStringFactory("evalsys")

LANGUAGES = {"nl": "Nederlands", "en": "English"}
DEFAULT_LANGUAGE = "nl"
LANGUAGE_COOKIE = "lang"


def negotiate_locale(request) -> str:
    posted = request.POST.get("_lang")  # a survey page's language button (survey/macros)
    for chosen in (posted, request.params.get("lang"), request.cookies.get(LANGUAGE_COOKIE)):
        if chosen in LANGUAGES:  # a ?lang= that is no language leaves the person's choice
            return chosen
    return request.accept_language.lookup(list(LANGUAGES), default=DEFAULT_LANGUAGE)


def translate(request, message, mapping=None) -> str:
    return request.localizer.translate(_(message, mapping=mapping))


def includeme(config) -> None:
    config.add_translation_dirs("evalsys:locale")
    config.set_locale_negotiator(negotiate_locale)
    config.add_request_method(translate, "translate")
