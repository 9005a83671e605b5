"""Input checks shared by the statistics functions: user-readable errors and warnings."""

from __future__ import annotations

import warnings
from collections.abc import Sequence

import numpy as np

ArrayLike = Sequence[float] | np.ndarray


def as_float_array(values: object, name: str) -> np.ndarray:
    """Return ``values`` as a one-dimensional float array, or raise a readable ValueError."""
    try:
        array = np.asarray(values, dtype=float)
    except (TypeError, ValueError) as error:
        raise ValueError(f"The {name} scores must be numbers; some of them are not.") from error
    if array.ndim != 1:
        raise ValueError(f"The {name} scores must be a single list of numbers, not a table.")
    return array


def check_confidence(confidence: float) -> None:
    if not 0 < confidence < 1:
        raise ValueError(
            f"The confidence level must lie between 0 and 1 (for example 0.95); got {confidence}."
        )


def check_same_length(a: np.ndarray, b: np.ndarray, name_a: str, name_b: str) -> None:
    if a.shape != b.shape:
        raise ValueError(
            f"The {name_a} and {name_b} scores must have the same length "
            f"(one pair per participant); got {a.size} and {b.size}."
        )


def warn(message: str) -> None:
    """Warn about doubtful input; the caller still returns what can be computed."""
    warnings.warn(message, UserWarning, stacklevel=3)
