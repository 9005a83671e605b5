"""Languages of the interface: the user's choice (cookie), then Accept-Language, then Dutch."""

from __future__ import annotations

from dataclasses import dataclass, field

from pyramid.i18n import TranslationStringFactory

_ = TranslationStringFactory("evalsys")


@dataclass(frozen=True)
class Plural:
    """A message with a singular and a plural form: which one is shown is chosen by ``count``
    with the plural rule of the language it is translated into (``request.translate``)."""

    singular: str
    plural: str
    count: int
    mapping: dict = field(default_factory=dict)


def ngettext(singular: str, plural: str, count: int, mapping: dict | None = None) -> Plural:
    """A message in two forms, ``${count}`` the number (pybabel extracts both as one entry).

    Templates have jinja2's own ``ngettext`` (``%(count)s``, the number passed as ``count=``).

    Examples
    --------
    >>> ngettext("${count} answer is not valid", "${count} answers are not valid", 2).count
    2
    """
    return Plural(singular, plural, count, {"count": count, **(mapping or {})})


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
    if isinstance(message, Plural):
        return request.localizer.pluralize(
            message.singular,
            message.plural,
            message.count,
            domain="evalsys",
            mapping={**message.mapping, **(mapping or {})},
        )
    return request.localizer.translate(_(message, mapping=mapping))


def includeme(config) -> None:
    config.add_translation_dirs("evalsys:locale")
    config.set_locale_negotiator(negotiate_locale)
    config.add_request_method(translate, "translate")
