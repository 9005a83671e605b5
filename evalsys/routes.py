"""Every URL of evalsys, with dotted names."""


def includeme(config) -> None:
    config.add_static_view("static", "evalsys:static", cache_max_age=3600)

    config.add_route("home", "/")
    config.add_route("healthz", "/healthz")
    config.add_route("language", "/language/{code}")

    config.add_route("auth.login", "/login")
    config.add_route("auth.logout", "/logout")
