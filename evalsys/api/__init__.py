"""The JSON API under /api/v1: bearer tokens or a session, one error shape, an OpenAPI document."""


def includeme(config) -> None:
    # The views and the exception views that give every /api/ error the JSON error shape.
    config.scan("evalsys.api")
