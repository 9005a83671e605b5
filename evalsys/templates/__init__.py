"""Jinja2 templates: the base layout and one template per page."""


def includeme(config) -> None:
    config.include("pyramid_jinja2")
    settings = config.get_settings()
    settings.setdefault("jinja2.i18n.domain", "evalsys")
    settings.setdefault("jinja2.newstyle", "true")
    config.add_jinja2_renderer(".jinja2")
    config.add_jinja2_search_path("evalsys:templates")
    config.commit()
    env = config.get_jinja2_environment(".jinja2")
    env.autoescape = True
