# SPDX-License-Identifier: MIT
"""alter.Error and its subclasses, one per error code a caller can act on."""
from __future__ import annotations

from typing import Any, Optional

__all__ = [
    "Error",
    "NotFound",
    "InvalidSpec",
    "AlreadyExists",
    "InvalidArgument",
    "ParseError",
    "InvalidState",
    "DependencyCycle",
    "Closed",
    "LimitReached",
    "Timeout",
    "InternalError",
    "error_from_code",
]


class Error(Exception):
    """A failed libalter call.

    Attributes:
        code: the library's code: an ALTER_E* value (-1000 ...) or a negative errno.
        name: its symbolic name, e.g. ``"ENOTFOUND"``, ``"ESPEC"``, ``"ENOENT"``.
        message: the library's message, naming the field or position (alter_last_error()).
        field: the spec field at fault (``"restart"``, ``"apps[1].cwd"``) or None.
        hint: a suggestion such as ``"did you mean 'restart'?"`` or None.
        line, column, file: the position in a config text, when there is one.
        detail: the whole alter_last_error_json() object.
    """

    code: int
    name: str
    message: str
    field: Optional[str]
    hint: Optional[str]
    line: Optional[int]
    column: Optional[int]
    file: Optional[str]
    detail: dict[str, Any]

    def __init__(self, code: int, message: str = "", *, name: Optional[str] = None,
                 detail: Optional[dict[str, Any]] = None) -> None:
        detail = dict(detail or {})
        if name is None:
            name = detail.get("code") or _name_of(code)
        self.code = code
        self.name = str(name)
        self.message = message or str(detail.get("message") or _strerror(code))
        self.field = detail.get("field")
        self.hint = detail.get("hint")
        self.line = detail.get("line")
        self.column = detail.get("column")
        self.file = detail.get("file")
        self.detail = detail
        super().__init__(self.message)

    def __str__(self) -> str:
        return f"[{self.name}] {self.message}"

    def __repr__(self) -> str:
        parts = [f"code={self.code}", f"name={self.name!r}", f"message={self.message!r}"]
        if self.field is not None:
            parts.append(f"field={self.field!r}")
        if self.hint is not None:
            parts.append(f"hint={self.hint!r}")
        return f"{type(self).__name__}({', '.join(parts)})"

    def __reduce__(self) -> Any:  # picklable across processes
        return (_rebuild, (type(self), self.code, self.message, self.name, self.detail))


def _rebuild(cls: type, code: int, message: str, name: str, detail: dict[str, Any]) -> Error:
    return cls(code, message, name=name, detail=detail)  # type: ignore[no-any-return]


class NotFound(Error, LookupError):
    """ENOTFOUND: no app or instance of that name."""


class InvalidSpec(Error, ValueError):
    """ESPEC: an app spec field is wrong (see .field and .hint)."""


class AlreadyExists(Error):
    """EEXIST: an app of that name already exists."""


class InvalidArgument(Error, ValueError):
    """EINVAL: an argument is invalid."""


class ParseError(Error, ValueError):
    """EPARSE: a config text, JSON or cron expression does not parse (.line/.column)."""


class InvalidState(Error):
    """ESTATE: not possible in the current state."""


class DependencyCycle(InvalidSpec):
    """ECYCLE: apps depend on each other in a cycle."""


class Closed(Error):
    """ECLOSED: the manager (or a stream) is closed."""


class LimitReached(Error):
    """ELIMIT: a limit was reached."""


class Timeout(Error, TimeoutError):
    """ETIMEDOUT: a wait passed its deadline."""


class InternalError(Error):
    """EINTERNAL: a bug in libalter; please report it."""


_BY_NAME: dict[str, type[Error]] = {
    "ENOTFOUND": NotFound,
    "ESPEC": InvalidSpec,
    "EEXIST": AlreadyExists,
    "EINVAL": InvalidArgument,
    "EPARSE": ParseError,
    "ESTATE": InvalidState,
    "ECYCLE": DependencyCycle,
    "ECLOSED": Closed,
    "ELIMIT": LimitReached,
    "ETIMEDOUT": Timeout,
    "EINTERNAL": InternalError,
}


def _name_of(code: int) -> str:
    try:
        from ._lib import lib

        return (lib.alter_err_name(code) or b"EUNKNOWN").decode()
    except Exception:  # library not loadable: still give a usable error
        return "EUNKNOWN"


def _strerror(code: int) -> str:
    try:
        from ._lib import lib

        return (lib.alter_strerror(code) or b"").decode()
    except Exception:
        return f"error {code}"


def error_from_code(code: int, detail: Optional[dict[str, Any]] = None) -> Error:
    """The Error subclass for a library code, with the detail of alter_last_error_json()."""
    name = _name_of(code)
    cls = _BY_NAME.get(name, Error)
    return cls(code, str((detail or {}).get("message") or ""), name=name, detail=detail)
