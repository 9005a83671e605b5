"""Jinja2 templates: the base layout here, and one template per page in each capability's own
``templates/`` folder."""

from jinja2 import pass_context

from evalsys.db.meta import utcnow
from evalsys.followup.due_list import due_counts
from evalsys.i18n import _
from evalsys.privacy.retention import retention_ends_on

TEMPLATE_ROOMS = (
    "web",
    "accounts",
    "admin",
    "collection",
    "followup",
    "imports",
    "jobs",
    "mail",
    "odk",
    "privacy",
    "results",
    "setup",
    "webhooks",
)

ROLE_NAMES = {
    "admin": _("Administrator"),
    "evaluator": _("Evaluator"),
    "coordinator": _("Site coordinator"),
    "ministry": _("Ministry"),
}
PERMISSION_NAMES = {"read": _("read data"), "submit": _("submit questionnaires")}


@pass_context
def role_name(context, role: str) -> str:
    """A role's name in the language of the page."""
    return context["request"].translate(ROLE_NAMES[role])


@pass_context
def permission_name(context, permission: str) -> str:
    """A token permission's name in the language of the page."""
    return context["request"].translate(PERMISSION_NAMES[permission])


def includeme(config) -> None:
    config.include("pyramid_jinja2")
    settings = config.get_settings()
    settings.setdefault("jinja2.i18n.domain", "evalsys")
    settings.setdefault("jinja2.newstyle", "true")
    config.add_jinja2_renderer(".jinja2")
    # Each capability keeps its own pages; template names are unique across them.
    for room in TEMPLATE_ROOMS:
        config.add_jinja2_search_path(f"evalsys.{room}:templates")
    config.commit()
    env = config.get_jinja2_environment(".jinja2")
    env.autoescape = True
    # Functions, not names a BeforeRender subscriber adds: any subscriber at all makes Pyramid
    # send four events through the registry on every request, the API's included.
    env.globals.update(
        role_name=role_name,
        permission_name=permission_name,
        now=utcnow,
        retention_ends_on=retention_ends_on,  # the intervention page says when data goes
        due_counts=due_counts,  # the dashboards' follow-up counts
    )
