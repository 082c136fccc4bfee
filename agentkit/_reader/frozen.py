"""Read-only lists and mappings, so that a record's values cannot be changed in place.

They are `list` and `dict` subclasses: they compare equal to lists and dicts, `isinstance(x, dict)` holds,
and JSON, pandas and pickle take them as they are. Anything that would change them raises TypeError;
`dict(x)`, `list(x)`, `x.copy()` and `{**x}` give ordinary, changeable copies.
"""

from __future__ import annotations

from typing import Any, NoReturn

READ_ONLY = (
    "agentkit's records are read-only (agentkit.edit returns a changed copy; "
    "dict(x) or list(x) is a copy you can change)"
)


def _refuse(self: object, *_args: object, **_kwargs: object) -> NoReturn:
    raise TypeError(f"{type(self).__name__}: {READ_ONLY}")


class FrozenList(list[Any]):
    """A list that cannot be changed."""

    __slots__ = ()
    append = extend = insert = pop = remove = clear = sort = reverse = _refuse
    __setitem__ = __delitem__ = __iadd__ = __imul__ = _refuse

    def __reduce__(self) -> tuple[Any, ...]:
        return (FrozenList, (list(self),))

    def __copy__(self) -> FrozenList:
        return self

    def __deepcopy__(self, _memo: object) -> FrozenList:
        return self  # what it holds is read-only too (see freeze)


class FrozenDict(dict[Any, Any]):
    """A mapping that cannot be changed."""

    __slots__ = ()
    __setitem__ = __delitem__ = __ior__ = _refuse
    clear = pop = popitem = setdefault = update = _refuse

    def __reduce__(self) -> tuple[Any, ...]:
        return (FrozenDict, (dict(self),))

    def __copy__(self) -> FrozenDict:
        return self

    def __deepcopy__(self, _memo: object) -> FrozenDict:
        return self


EMPTY = FrozenDict()


def freeze(value: Any) -> Any:
    """`value` with every list and mapping in it made read-only (a copy; shared parts stay shared).
    Walks with its own stack: parsed values nest up to MAX_NESTING levels."""
    if not isinstance(value, list | dict) or isinstance(value, FrozenList | FrozenDict):
        return value
    done: dict[int, Any] = {}
    open_ids: set[int] = set()
    stack: list[tuple[Any, bool]] = [(value, False)]
    while stack:
        item, children_done = stack.pop()
        key = id(item)
        if children_done:
            open_ids.discard(key)
            if isinstance(item, dict):
                done[key] = FrozenDict((k, _frozen(v, done)) for k, v in item.items())
            else:
                done[key] = FrozenList(_frozen(v, done) for v in item)
            continue
        if key in done:
            continue
        if key in open_ids:
            raise ValueError("a value that contains itself cannot be frozen")
        open_ids.add(key)
        stack.append((item, True))
        children = item.values() if isinstance(item, dict) else item
        stack.extend(
            (child, False)
            for child in children
            if isinstance(child, list | dict) and not isinstance(child, FrozenList | FrozenDict)
        )
    return done[id(value)]


def _frozen(value: Any, done: dict[int, Any]) -> Any:
    if isinstance(value, list | dict) and not isinstance(value, FrozenList | FrozenDict):
        return done[id(value)]
    return value


def freeze_fields(fields: dict[str, Any]) -> FrozenDict:
    """A front matter mapping made read-only, its values too. Flat front matter (text, null, booleans,
    numbers: most files) costs one copy."""
    if type(fields) is FrozenDict:
        return fields
    if all(not isinstance(v, list | dict) for v in fields.values()):
        return FrozenDict(fields) if fields else EMPTY
    result = freeze(fields)
    assert isinstance(result, FrozenDict)
    return result


def thaw(value: Any) -> Any:
    """A deep copy of `value` made of ordinary lists and dicts, to change freely."""
    if not isinstance(value, list | dict):
        return value
    copies: dict[int, Any] = {}
    root: Any = {} if isinstance(value, dict) else []
    copies[id(value)] = root
    stack: list[tuple[Any, Any]] = [(value, root)]
    while stack:
        source, target = stack.pop()
        items = source.items() if isinstance(source, dict) else enumerate(source)
        for key, item in items:
            if isinstance(item, list | dict):
                if id(item) not in copies:
                    copies[id(item)] = {} if isinstance(item, dict) else []
                    stack.append((item, copies[id(item)]))
                item = copies[id(item)]
            if isinstance(target, dict):
                target[key] = item
            else:
                target.append(item)
    return root
