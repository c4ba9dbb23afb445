"""``core.record`` behaves as ``@dataclass(frozen=True)``: the same construction, defaults,
errors, equality, hashing, text, immutability, pickling and dataclass functions."""

from __future__ import annotations

import copy
import dataclasses
import pickle
from functools import cached_property

import pytest

from make_report.core.record import record
from make_report.core.spec import Column, Header, Row
from make_report.formats import FORMATS


def _shape(name: str, decorate):
    """One class body, made a frozen dataclass or a record, so the two can only differ in
    what the decorator does."""
    class Shape:
        key: str
        label: str
        kind: str = "count"
        items: tuple = ()
        extra: list = dataclasses.field(default_factory=list, compare=False, repr=False)

        @cached_property
        def total(self) -> int:
            return len(self.key) + len(self.items)

    Shape.__name__ = Shape.__qualname__ = name  # pickle finds it under this module name
    return decorate(Shape)


Real = _shape("Real", dataclasses.dataclass(frozen=True))
Ours = _shape("Ours", record)


def _pair():
    return Real, Ours


CALLS = [
    (("a", "b"), {}), (("a",), {"label": "b", "kind": "amount"}), ((), {"key": "k", "label": "l"}),
    (("a", "b", "signed", (1, 2), [3]), {}), (("a", "b"), {"items": ("x",)}),
]
BAD = [((), {}), (("a",), {}), (("a", "b"), {"nope": 1}), (("a", "b", "c", (), [], 6), {}),
       (("a", "b"), {"key": "again"})]


@pytest.mark.parametrize(("args", "kwargs"), CALLS)
def test_a_record_is_what_a_frozen_dataclass_is(args, kwargs):
    real, ours = _pair()
    a, b = real(*args, **kwargs), ours(*args, **kwargs)
    assert repr(a).replace("Real", "Ours") == repr(b)
    assert [(f.name, f.default) for f in dataclasses.fields(a)] == \
        [(f.name, f.default) for f in dataclasses.fields(b)]
    assert dataclasses.asdict(a) == dataclasses.asdict(b)
    assert dataclasses.astuple(a) == dataclasses.astuple(b)
    assert b == ours(*args, **kwargs) and hash(b) == hash(ours(*args, **kwargs))
    assert hash(a) == hash(b)  # the same field tuple is hashed
    assert b != a and a != b  # another class: never equal, as dataclasses
    assert b != dataclasses.replace(b, key=b.key + "x")
    assert dataclasses.replace(b, label="z").label == "z"
    assert b.total == a.total
    for obj in (a, b):
        with pytest.raises(dataclasses.FrozenInstanceError):
            obj.key = "x"
        with pytest.raises(dataclasses.FrozenInstanceError):
            obj.anything = 1
        with pytest.raises(dataclasses.FrozenInstanceError):
            del obj.key
    assert pickle.loads(pickle.dumps(b)) == b
    assert copy.deepcopy(b) == b and copy.copy(b) == b
    assert b.__match_args__ == a.__match_args__


@pytest.mark.parametrize(("args", "kwargs"), BAD)
def test_wrong_arguments_are_refused_as_dataclasses_refuse_them(args, kwargs):
    real, ours = _pair()
    with pytest.raises(TypeError):
        real(*args, **kwargs)
    with pytest.raises(TypeError):
        ours(*args, **kwargs)


def test_default_factories_give_each_instance_its_own_value():
    _, ours = _pair()
    a, b = ours("a", "b"), ours("a", "b")
    assert a.extra == [] and a.extra is not b.extra
    assert a == b  # extra is not compared


def test_the_format_description_is_made_of_records():
    fmt = FORMATS["2021"]
    assert dataclasses.is_dataclass(fmt) and hash(fmt.sections[0]) == hash(fmt.sections[0])
    assert Column("6", "总计") == Column("6", "总计", "count")
    assert Row("a", ("x", "y")).label == "y"
    assert Header("总计", key="6").leaves() == [Header("总计", key="6")]
    assert pickle.loads(pickle.dumps(fmt)) == fmt
    with pytest.raises(dataclasses.FrozenInstanceError):
        fmt.id = "2019"  # type: ignore[misc]


@dataclasses.dataclass
class RealMutable:
    heading: str | None
    paragraphs: list = dataclasses.field(default_factory=list)
    count: int = 0


@record(frozen=False)
class OursMutable:
    heading: str | None
    paragraphs: list = dataclasses.field(default_factory=list)
    count: int = 0


@pytest.mark.parametrize(("args", "kwargs"), [(("a",), {}), ((None, ["x"]), {"count": 2}),
                                              ((), {"heading": "h", "paragraphs": []})])
def test_a_mutable_record_is_what_a_dataclass_is(args, kwargs):
    a, b = RealMutable(*args, **kwargs), OursMutable(*args, **kwargs)
    assert repr(a).replace("RealMutable", "OursMutable") == repr(b)
    assert dataclasses.asdict(a) == dataclasses.asdict(b)
    assert b == OursMutable(*args, **kwargs) and b != a
    b.count += 5
    a.count += 5
    assert b.count == a.count and b != OursMutable(*args, **kwargs)
    with pytest.raises(TypeError):
        hash(a)
    with pytest.raises(TypeError):
        hash(b)
    assert OursMutable("x").paragraphs is not OursMutable("x").paragraphs
    assert dataclasses.replace(b, heading="z").heading == "z"
    assert pickle.loads(pickle.dumps(b)) == b
    with pytest.raises(TypeError):
        OursMutable()
    with pytest.raises(TypeError):
        OursMutable("a", [], 1, 2)
