"""Where instruments are found: the bundled library plus instruments registered at run time."""

from __future__ import annotations

import re
import threading
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from surveys.errors import InstrumentError, UnknownInstrumentError
from surveys.instrument import Instrument, parse_instrument, parse_instrument_file

LIBRARY = Path(__file__).parent / "library"


def version_key(version: str) -> tuple:
    """Sort key for versions: numeric parts compare as numbers ("1.10" > "1.9")."""
    return tuple((0, int(p), "") if p.isdigit() else (1, 0, p) for p in re.split(r"[.\-]", version))


class Registry:
    """Instruments by ``(id, version)``; one definition per id + version.

    Registering a second, different definition (another fingerprint) under an id + version that
    is already known raises :class:`InstrumentError`: change the version instead. Registering
    the identical definition again is a no-op.
    """

    def __init__(self, library: Path | None = LIBRARY):
        self._library = library
        self._loaded = library is None
        self._instruments: dict[tuple[str, str], Instrument] = {}
        self._lock = threading.RLock()

    def _ensure_library(self) -> None:
        with self._lock:
            if self._loaded:
                return
            self._loaded = True
            for path in sorted(self._library.glob("*.yaml")):  # type: ignore[union-attr]
                self._add(parse_instrument_file(path), source=str(path))

    def _add(self, instrument: Instrument, source: str) -> Instrument:
        known = self._instruments.get(instrument.key)
        if known is not None:
            if known.fingerprint != instrument.fingerprint:
                raise InstrumentError(
                    source,
                    [
                        (
                            "version",
                            f"instrument {instrument.id!r} version {instrument.version!r} "
                            "already exists with a different definition (fingerprint "
                            f"{known.fingerprint[:12]}); give the changed definition a new version",
                        )
                    ],
                )
            return known
        self._instruments[instrument.key] = instrument
        return instrument

    def register(self, instrument: Instrument | Mapping[str, Any] | str | Path) -> Instrument:
        """Add an instrument (object, canonical dict, or path to a YAML file) and return it."""
        with self._lock:
            self._ensure_library()
            if isinstance(instrument, Instrument):
                return self._add(instrument, source=f"<{instrument.id}>")
            if isinstance(instrument, Mapping):
                parsed = parse_instrument(dict(instrument), source="<dict>")
                return self._add(parsed, source="<dict>")
            if isinstance(instrument, str | Path):
                parsed = parse_instrument_file(instrument)
                return self._add(parsed, source=str(instrument))
            raise TypeError(f"cannot register {type(instrument)}")

    def get(self, instrument_id: str, version: str | None = None) -> Instrument:
        """The instrument with this id and version (the highest version when None)."""
        with self._lock:
            self._ensure_library()
            if version is not None:
                found = self._instruments.get((instrument_id, str(version)))
                if found is None:
                    known = sorted(v for i, v in self._instruments if i == instrument_id)
                    raise UnknownInstrumentError(
                        "<registry>",
                        [
                            (
                                "",
                                f"no instrument {instrument_id!r} version {version!r}"
                                + (f" (known versions: {', '.join(known)})" if known else ""),
                            )
                        ],
                    )
                return found
            versions = [inst for (i, _v), inst in self._instruments.items() if i == instrument_id]
            if not versions:
                raise UnknownInstrumentError(
                    "<registry>", [("", f"no instrument with id {instrument_id!r}")]
                )
            return max(versions, key=lambda inst: version_key(inst.version))

    def all(self) -> list[Instrument]:
        """Every known instrument, sorted by id and version."""
        with self._lock:
            self._ensure_library()
            return sorted(self._instruments.values(), key=lambda i: (i.id, version_key(i.version)))

    def bundled(self) -> list[Instrument]:
        """The instruments shipped in ``surveys/library``."""
        if self._library is None:
            return []
        return [parse_instrument_file(p) for p in sorted(self._library.glob("*.yaml"))]


default_registry = Registry()


def load_instrument(instrument_id: str, version: str | None = None) -> Instrument:
    """A bundled or registered instrument; the highest version when ``version`` is None."""
    return default_registry.get(instrument_id, version)


def register_instrument(instrument: Instrument | Mapping[str, Any] | str | Path) -> Instrument:
    """Make a user-defined instrument loadable with :func:`load_instrument`."""
    return default_registry.register(instrument)


def bundled_instruments() -> list[Instrument]:
    """The instruments shipped with evalsys (fresh objects, parsed from ``surveys/library``)."""
    return default_registry.bundled()
