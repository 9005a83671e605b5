"""Setting up an intervention: create it, add sites and waves, choose its questionnaire, assign
coordinators. The JSON API and the web forms call these same functions.

Every function takes the session, raises :class:`SetupError` naming the field that is wrong, and
writes an audit event when ``actor`` is given. None of them commits (pyramid_tm does). They live
in ``interventions.py``, ``structure.py`` (sites and waves), ``questionnaire.py`` and
``coordinators.py``; ``fields.py`` holds what they share.
"""

from evalsys.setup.coordinators import assign_coordinator
from evalsys.setup.fields import SetupError
from evalsys.setup.interventions import create_intervention, update_intervention
from evalsys.setup.questionnaire import has_responses, library, set_questionnaire
from evalsys.setup.structure import add_site, add_wave, update_wave

__all__ = [
    "SetupError",
    "add_site",
    "add_wave",
    "assign_coordinator",
    "create_intervention",
    "has_responses",
    "library",
    "set_questionnaire",
    "update_intervention",
    "update_wave",
]
