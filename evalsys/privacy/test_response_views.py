"""The page where an evaluator sees how many test responses an intervention holds and deletes
them all (evalsys.privacy.test_responses)."""

from __future__ import annotations

from pyramid.httpexceptions import HTTPSeeOther
from pyramid.view import view_config

from evalsys.privacy import test_responses as service
from evalsys.programme.contexts import InterventionContext


@view_config(
    route_name="intervention.test_responses",
    permission="manage",
    request_method="GET",
    renderer="test_responses.jinja2",
)
def test_responses_page(context: InterventionContext, request):
    return {
        "intervention": context.intervention,
        "counts": service.counts(request.dbsession, context.intervention),
        "deleted": request.session.pop_flash("test_responses_deleted"),
    }


@view_config(route_name="intervention.test_responses", permission="manage", request_method="POST")
def delete_test_responses(context: InterventionContext, request):
    deleted = service.delete_all(
        request.dbsession, context.intervention, actor=request.identity, request=request
    )
    request.session.flash(deleted.responses, "test_responses_deleted")
    return HTTPSeeOther(
        location=request.route_url("intervention.test_responses", slug=context.intervention.slug)
    )
