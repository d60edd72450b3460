"""Read-only JSON containers: a validated payload cannot be changed behind the validator's back.

They subclass dict and list so they compare equal to plain JSON values and
``json.dumps`` writes them as usual; every mutating method raises TypeError.
"""

from __future__ import annotations

from typing import Any, NoReturn


def _read_only(self: object, *args: object, **kwargs: object) -> NoReturn:
    raise TypeError(f"{type(self).__name__} is read-only")


class FrozenDict(dict):
    __slots__ = ()
    __setitem__ = __delitem__ = __ior__ = _read_only
    clear = pop = popitem = setdefault = update = _read_only

    def __copy__(self) -> FrozenDict:
        return self

    def __deepcopy__(self, memo: dict) -> FrozenDict:
        return self

    def __reduce__(self):
        return (FrozenDict, (dict(self),))


class FrozenList(list):
    __slots__ = ()
    __setitem__ = __delitem__ = __iadd__ = __imul__ = _read_only
    append = extend = insert = pop = remove = clear = sort = reverse = _read_only

    def __copy__(self) -> FrozenList:
        return self

    def __deepcopy__(self, memo: dict) -> FrozenList:
        return self

    def __reduce__(self):
        return (FrozenList, (list(self),))


def freeze(value: Any) -> Any:
    """A read-only deep copy of a JSON value (dicts and lists; scalars are immutable already)."""
    if isinstance(value, dict):
        # Copied whole (in C), then only the containers in it replaced: most payload fields are
        # scalars, and this is the hot path of decoding (docs/benchmarks.md, "Figures that stood in
        # the code").
        frozen = FrozenDict(value)
        for key, item in value.items():
            if item.__class__ not in _SCALARS:
                _set_item(frozen, key, freeze(item))
        return frozen
    if isinstance(value, list):
        return FrozenList([item if item.__class__ in _SCALARS else freeze(item) for item in value])
    return value


_SCALARS = frozenset({str, int, float, bool, type(None)})
_set_item = dict.__setitem__  # past FrozenDict's guard, while the copy is being built


def thaw(value: Any) -> Any:
    """A plain, mutable deep copy of a JSON value."""
    if isinstance(value, dict):
        return {key: thaw(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [thaw(item) for item in value]
    return value
