"""Typed reads of the values of a definition file, collecting every problem with its key path."""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from typing import Any

from surveys.errors import Wording, worded

IDENTIFIER = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
LANGUAGE_CODE = re.compile(r"^[a-z]{2,3}(-[A-Za-z0-9]{2,8})?$")


class SchemaReader:
    """Typed reads of definition values that collect problems with their key paths.

    A read that fails records ``(path, problem)`` and returns a stand-in, so reading goes on
    and one run reports every broken key. A problem is a key of the ``schema`` catalogue
    (``surveys/locale/<lang>/LC_MESSAGES/schema.po``) with its parameters, so an import can
    show it in the user's language.
    """

    def __init__(self, source: str):
        self.source = source
        self.problems: list[tuple[str, Wording]] = []

    def fail(self, path: str, key: str, **params: Any) -> None:
        """Record the problem ``key`` (with ``params``) of the value at ``path``."""
        self.problems.append((path, worded("schema", key, **params)))

    def unknown_keys(self, data: Mapping, allowed: set[str], path: str) -> None:
        for key in data:
            if key not in allowed:
                where = f"{path}.{key}" if path else str(key)
                self.fail(where, "unknown_key", allowed=", ".join(sorted(allowed)))

    def ident(self, value: Any, path: str) -> str:
        if not isinstance(value, str) or not IDENTIFIER.match(value):
            self.fail(path, "not_identifier", value=repr(value))
            return str(value)
        return value

    def text(self, value: Any, path: str, required: bool = True) -> str:
        if value is None and not required:
            return ""
        if not isinstance(value, str) or (required and not value.strip()):
            self.fail(path, "not_text", value=repr(value))
            return ""
        return value

    def translations(self, value: Any, path: str, required: bool = True) -> dict[str, str]:
        if value is None and not required:
            return {}
        if not isinstance(value, Mapping) or (required and not value):
            self.fail(path, "not_translations")
            return {}
        out = {}
        for lang, text in value.items():
            if self.language(lang, f"{path}.{lang}"):
                if isinstance(text, str) and text.strip():
                    out[lang] = text
                else:
                    self.fail(f"{path}.{lang}", "not_text", value=repr(text))
        return out

    def language(self, value: Any, path: str) -> bool:
        """Whether ``value`` is a language code such as ``nl``, ``en`` or ``pt-BR``."""
        if not isinstance(value, str) or not LANGUAGE_CODE.match(value):
            self.fail(path, "not_language")
            return False
        return True

    def choice(self, value: Any, allowed: tuple[str, ...], path: str) -> bool:
        """Whether ``value`` is one of ``allowed``."""
        if value not in allowed:
            self.fail(path, "not_choice", allowed=", ".join(allowed), value=repr(value))
            return False
        return True

    def number(self, value: Any, path: str, allow_none: bool = False) -> float | None:
        if value is None and allow_none:
            return None
        if isinstance(value, bool) or not isinstance(value, int | float):
            self.fail(path, "not_number", value=repr(value))
            return None
        if not math.isfinite(value):
            self.fail(path, "not_number", value=repr(value))
            return None
        return float(value)

    def integer(self, value: Any, path: str) -> int | None:
        if isinstance(value, bool) or not isinstance(value, int):
            self.fail(path, "not_whole", value=repr(value))
            return None
        return value

    def flag(self, value: Any, path: str, default: bool) -> bool:
        if value is None:
            return default
        if not isinstance(value, bool):
            self.fail(path, "not_flag", value=repr(value))
            return default
        return value
