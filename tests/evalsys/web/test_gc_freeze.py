"""evalsys.freeze_gc_at_start: the objects loaded at start-up are exempt from the cyclic GC.

A full collection that walks every object the libraries loaded stalled a worker for 140-330 ms
under load (bench/README.md); frozen, the same collections took under 10 ms.
"""

from __future__ import annotations

import gc

import pytest

from evalsys import main


@pytest.fixture
def unfrozen():
    gc.unfreeze()
    yield
    gc.unfreeze()  # the rest of the suite runs as before


def test_the_app_freezes_what_it_loaded_when_told(app_settings, dbengine, unfrozen):
    main({}, **{**app_settings, "evalsys.freeze_gc_at_start": "true"})
    assert gc.get_freeze_count() > 10_000


def test_by_default_nothing_is_frozen(app_settings, dbengine, unfrozen):
    main({}, **app_settings)
    assert gc.get_freeze_count() == 0
