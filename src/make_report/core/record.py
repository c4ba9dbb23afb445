"""Frozen dataclasses without generating their methods' source on every start.

``@dataclass(frozen=True)`` writes the source of ``__init__``, ``__repr__``, ``__eq__``,
``__hash__``, ``__setattr__`` and ``__delattr__`` for each class and compiles it when the
module is imported: about 1 ms a class, every run, for the dozens of classes that describe
a format (``core/spec.py``). ``record`` gives a class the same behaviour from shared,
already-compiled methods: it is still a dataclass (``dataclasses.fields``, ``replace``,
``asdict`` work), made with the same field rules, equal and hashed by its fields in order,
shown as ``Name(field=value, ...)``, and refusing assignment with ``FrozenInstanceError``.
``tests/test_record.py`` checks it against ``@dataclass(frozen=True)``.
"""

from __future__ import annotations

import dataclasses
from typing import Any, TypeVar

T = TypeVar("T")
_MISSING = dataclasses.MISSING


def _names(cls: type, attribute: str) -> tuple[str, ...]:
    return cls.__dict__[attribute]


def _init(self: Any, *args: Any, **kwargs: Any) -> None:
    cls = type(self)
    names, defaults, post = cls.__dict__["_record_spec"]
    given = len(args)
    if given > len(names):
        raise TypeError(f"{cls.__qualname__}.__init__() takes {len(names) + 1} positional "
                        f"arguments but {given + 1} were given")
    values = self.__dict__  # as object.__setattr__ would, in the order of the fields
    if given:
        values.update(zip(names, args, strict=False))
    if kwargs:
        for name in kwargs:
            if name not in names:
                raise TypeError(f"{cls.__qualname__}.__init__() got an unexpected keyword "
                                f"argument '{name}'")
            if names.index(name) < given:
                raise TypeError(f"{cls.__qualname__}.__init__() got multiple values for "
                                f"argument '{name}'")
    for name, default, factory in defaults[given:]:
        if name in kwargs:
            values[name] = kwargs[name]
        elif factory is not _MISSING:
            values[name] = factory()
        elif default is not _MISSING:
            values[name] = default
        else:
            raise TypeError(f"{cls.__qualname__}.__init__() missing 1 required positional "
                            f"argument: '{name}'")
    if post:
        self.__post_init__()


def _repr(self: Any) -> str:
    shown = ", ".join(f"{n}={getattr(self, n)!r}" for n in _names(type(self), "_record_repr"))
    return f"{type(self).__qualname__}({shown})"


def _eq(self: Any, other: Any) -> Any:
    if other.__class__ is self.__class__:
        names = _names(type(self), "_record_compare")
        return tuple(getattr(self, n) for n in names) == tuple(getattr(other, n) for n in names)
    return NotImplemented


def _hash(self: Any) -> int:
    return hash(tuple(getattr(self, n) for n in _names(type(self), "_record_hash")))


def _setattr(self: Any, name: str, value: Any) -> None:
    raise dataclasses.FrozenInstanceError(f"cannot assign to field {name!r}")


def _delattr(self: Any, name: str) -> None:
    raise dataclasses.FrozenInstanceError(f"cannot delete field {name!r}")


def record(cls: type[T] | None = None, *, frozen: bool = True) -> Any:
    """``@dataclass(frozen=True)`` with methods shared rather than generated;
    ``@record(frozen=False)`` is ``@dataclass``: assignable, and unhashable as a dataclass
    that compares by value is."""
    if cls is None:
        return lambda c: _make(c, frozen)
    return _make(cls, frozen)


def _make(cls: type[T], frozen: bool) -> type[T]:
    if not cls.__doc__:
        cls.__doc__ = cls.__name__
    made = dataclasses.dataclass(init=False, repr=False, eq=False, match_args=True)(cls)
    fields = dataclasses.fields(made)
    if any(not f.init or f.kw_only for f in fields):
        raise TypeError(f"{cls.__name__}: record supports plain fields only")
    made._record_spec = (  # type: ignore[attr-defined]
        tuple(f.name for f in fields),
        tuple((f.name, f.default, f.default_factory) for f in fields),
        hasattr(made, "__post_init__"))
    made._record_repr = tuple(f.name for f in fields if f.repr)  # type: ignore[attr-defined]
    made._record_compare = tuple(f.name for f in fields if f.compare)  # type: ignore[attr-defined]
    made._record_hash = tuple(f.name for f in fields  # type: ignore[attr-defined]
                              if (f.compare if f.hash is None else f.hash))
    made.__init__ = _init  # type: ignore[misc]
    made.__repr__ = _repr  # type: ignore[method-assign]
    made.__eq__ = _eq  # type: ignore[method-assign]
    if frozen:
        made.__hash__ = _hash  # type: ignore[method-assign]
        made.__setattr__ = _setattr  # type: ignore[method-assign]
        made.__delattr__ = _delattr  # type: ignore[method-assign]
    else:
        made.__hash__ = None  # type: ignore[assignment]
    return made
