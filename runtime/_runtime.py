"""The hand-written runtime of neetbox_protocol: the behaviour JSON Schema cannot express.

codegen.py copies this file into the generated package as ``neetbox_protocol/_runtime.py``;
edit it here, never there. Everything else in the package is generated from ``schema/``.

What lives here, and only here:

* ``ProtocolError`` -- the one exception every bad input raises (a ``ValueError``), with the
  field path of each problem;
* ``get_timestamp``, ``Integer``, ``Int64`` and ``NonFiniteFloat`` -- the value types the schemas point at
  (``x-default-factory``, ``x-python-import``);
* ``EnvelopeBase`` -- the base class of the generated ``EventMsg``: the original module's API
  (positional and keyword construction, ``json``, ``dumps``, ``loads``, ``merge``) on top of
  the generated pydantic fields, plus the typed-event dispatch;
* ``payload_type`` -- turns a generated payload model into the dict-valued validator a typed
  event stores (neetbox's server json.dumps()es payloads and stores them in sqlite, so a payload
  must stay a plain ``dict``; ``EventMsg.typed_payload`` gives the model view).
"""

from __future__ import annotations

import enum
import numbers
import re
import types
import typing
from collections.abc import Mapping
from datetime import datetime as _datetime
from functools import lru_cache
from typing import Annotated, Any, ClassVar, Literal, Union

import pydantic_core
from pydantic import (
    MISSING,
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StrictInt,
    TypeAdapter,
    ValidationError,
)
from typing_extensions import NotRequired, TypeAliasType, TypedDict

from .constants import DATETIME_FORMAT

__all__ = [
    "DEFAULT_MAX_BYTES",
    "MAX_DEPTH",
    "EnvelopeBase",
    "Int64",
    "Integer",
    "NonFiniteFloat",
    "ProtocolError",
    "get_timestamp",
    "payload_type",
]

#: Largest message ``loads`` accepts by default, in bytes (characters for a ``str``).
#: Pass ``max_bytes=`` to ``loads`` to change it per call.
DEFAULT_MAX_BYTES = 16 * 1024 * 1024

#: Deepest nesting of arrays/objects accepted in a message built from Python objects
#: (JSON text is limited by the parser to the same order of magnitude).
MAX_DEPTH = 128


def get_timestamp(datetime: _datetime | None = None) -> str:
    """Format ``datetime`` (default: now, local time) with ``DATETIME_FORMAT``."""
    if datetime is None and _ISO_FORMAT:  # the same text, without strftime's parsing of the format
        return _datetime.now().isoformat(timespec="microseconds")
    return (datetime or _datetime.now()).strftime(DATETIME_FORMAT)


# ``isoformat`` of a naive datetime (``now()``) is exactly ``DATETIME_FORMAT``'s text when that is
# the ISO form (four-digit years, which ``now()`` has)
_ISO_FORMAT = DATETIME_FORMAT == "%Y-%m-%dT%H:%M:%S.%f"


#: A non-finite float as the strict-JSON string token ("NaN", "Infinity", "-Infinity"),
#: validated back into the float.
NonFiniteFloat = Annotated[Literal["NaN", "Infinity", "-Infinity"], AfterValidator(float)]


def _integral_float_to_int(value: Any) -> Any:
    # JSON Schema's "integer" is any number with a zero fractional part, so ``3.0`` (what
    # Python's json.dumps writes for a float step) is the integer 3. Everything else is left
    # for the strict int check (3.5, "3", True are rejected).
    if type(value) is float and value.is_integer():
        return int(value)
    return value


def _float_to_int(value: float) -> int:
    if value.is_integer():
        return int(value)
    raise ValueError("not an integer")


class _JsonInteger:
    """Annotation: the same integer check, without a Python call per value, for JSON input.

    For Python input the schema stays the annotated one before this marker (the before-validator
    above, then ``StrictInt`` and any bounds). JSON input holds only exact ints and floats, so
    there the check is done by pydantic-core alone: an int passes as it is; a float goes through
    ``_float_to_int`` (the only Python call, for floats only: integral -> the int); any failure
    is the same ``int_type`` error "Input should be a valid integer"; the bounds are checked on
    the int afterwards (the same ``greater_than_equal`` / ``less_than_equal`` errors)."""

    __slots__ = ("ge", "le")

    def __init__(self, ge: int | None = None, le: int | None = None):
        self.ge, self.le = ge, le

    def __get_pydantic_core_schema__(self, source: Any, handler: Any) -> pydantic_core.CoreSchema:
        cs = pydantic_core.core_schema
        json_schema = cs.union_schema(
            [
                cs.int_schema(strict=True),
                cs.chain_schema([cs.float_schema(strict=True), cs.no_info_plain_validator_function(_float_to_int)]),
            ],
            mode="left_to_right",
            custom_error_type="int_type",
        )
        if self.ge is not None or self.le is not None:
            json_schema = cs.chain_schema([json_schema, cs.int_schema(strict=True, ge=self.ge, le=self.le)])
        return cs.json_or_python_schema(json_schema=json_schema, python_schema=handler(source))

    def __repr__(self) -> str:
        return f"_JsonInteger(ge={self.ge!r}, le={self.le!r})"


def _integer(ge: int | None = None, le: int | None = None) -> Any:
    """An integer type with optional bounds: for Python input the before-validator, then
    ``StrictInt`` and the bounds; for JSON input the same check in pydantic-core alone."""
    bounds = (Field(ge=ge, le=le),) if ge is not None or le is not None else ()
    return Annotated[(StrictInt, BeforeValidator(_integral_float_to_int), *bounds, _JsonInteger(ge, le))]


#: A JSON integer: an int, or an integral float read as the int (``3.0`` -> ``3``).
Integer = _integer()

#: A signed 64-bit Integer (the bounds are the schema's ``minimum``/``maximum``).
Int64 = _integer(-(2**63), 2**63 - 1)


class ProtocolError(ValueError):
    """Raised for every message that does not follow the protocol.

    ``str(err)`` names each problem by its field path, e.g. ``eventId: Input should be a valid
    integer``; ``err.errors`` is a list of ``{"path": "payload.x", "message": ..., "type": ...}``.
    """

    def __init__(self, errors: list[dict[str, str]]):
        self.errors = errors
        super().__init__("; ".join(f"{e['path'] or '<message>'}: {e['message']}" for e in errors))

    @classmethod
    def at(cls, path: str, message: str, type_: str = "value_error") -> ProtocolError:
        return cls([{"path": path, "message": message, "type": type_}])

    @classmethod
    def from_validation_error(cls, exc: ValidationError) -> ProtocolError:
        """One entry per field path; alternatives of a union are joined with " or ". Errors of
        the generic reply shape are left out when the event's own shape also failed."""
        raw = exc.errors(include_url=False)
        own = [e for e in raw if not _in_reply_branch(e["loc"])]
        by_path: dict[str, list[dict]] = {}
        for err in own or raw:
            if err["type"] == "union_tag_not_found":
                err = {**err, "loc": ("eventType",), "msg": "Field required"}
            elif err["type"] == "union_tag_invalid":
                err = {**err, "loc": ("eventType",), "msg": f"unknown event type {err['ctx']['tag']!r} (strict mode)"}
            by_path.setdefault(_format_loc(err["loc"]), []).append(err)
        errors = []
        for path, errs in by_path.items():
            messages = list(dict.fromkeys(e["msg"] for e in errs))
            errors.append({"path": path, "message": " or ".join(messages), "type": errs[0]["type"]})
        return cls(errors)


def _in_reply_branch(loc: tuple) -> bool:
    return any(isinstance(i, str) and i.startswith("union[ResultReply") for i in loc)


_SCHEMA_LABEL = re.compile(r"^(union|tagged-union|function-\w+|constrained-\w+|literal|list|dict|nullable|typed-dict)(\[.*\])?$")
_TYPE_LABELS = frozenset({"int", "float", "str", "bool", "none", "bytes"})


def _format_loc(loc: tuple) -> str:
    """('payload', 'union[...]', 'ScalarPoint', 'x', 'union[...]', 'int') -> 'payload.x': drop
    pydantic's labels of union branches and schema kinds, keep wire keys and list indexes."""
    parts: list[str] = []
    after_union = False
    last = len(loc) - 1
    for i, item in enumerate(loc):
        if isinstance(item, int):
            parts.append(f"[{item}]")
            after_union = False
            continue
        # a union of scalar types labels its branches 'int', 'float', ... as the last item, with or
        # without a 'union[...]' item before it (no schema key is named like a Python type)
        type_label = item in _TYPE_LABELS and (after_union or i == last)
        if _SCHEMA_LABEL.match(item) or item in _BRANCH_LABELS or type_label:
            after_union = item.startswith(("union", "tagged-union"))
            continue
        after_union = False
        parts.append(("." if parts else "") + (item if parts else _WIRE_NAMES.get(item, item)))
    return "".join(parts)


_BRANCH_LABELS: set[str] = set()  # typed-dict / event class names, filled by payload_type / register
_KNOWN_KEYS: set[str] = set()  # envelope field names and wire keys, filled by _register_events
_WIRE_NAMES: dict[str, str] = {}  # envelope field name -> wire key (event_id -> eventId)


# ----------------------------------------------------------------------------- Python values

_ORIGINAL_ORDER = (  # the original dataclass's field order: positional arguments follow it
    "project_id", "run_id", "event_type", "series", "payload",
    "event_id", "identity_type", "timestamp", "history_len", "id",
)  # fmt: skip


def _jsonable(value: Any, path: str, depth: int = 0) -> Any:
    """Turn a Python value into plain JSON data, as neetbox 0.6.0's ``json.dumps(default=str)``
    did, with one fix: numbers that are not ``int``/``float`` (numpy scalars, Fraction) become
    JSON numbers instead of strings. Tuples become arrays, Enums their value, anything else
    JSON has no type for is written with ``str()`` (an exception becomes its message)."""
    t = type(value)
    if t is str or t is int or t is float or t is bool or value is None:
        return value
    if depth >= MAX_DEPTH:
        raise ProtocolError.at(path, f"nested deeper than {MAX_DEPTH} levels", "too_deep")
    if isinstance(value, Mapping):
        out = {}
        for k, v in value.items():
            key = _json_key(k, path)
            out[key] = _jsonable(v, f"{path}.{key}" if path else key, depth + 1)
        return out
    if isinstance(value, (list, tuple)):
        return [_jsonable(v, f"{path}[{i}]", depth + 1) for i, v in enumerate(value)]
    if isinstance(value, enum.Enum):
        return _jsonable(value.value, path, depth + 1)
    if isinstance(value, (str, bool)):
        return str.__str__(value) if isinstance(value, str) else bool(value)
    if isinstance(value, numbers.Integral):
        return int(value)
    if isinstance(value, numbers.Real):
        try:  # np.float32(0.1) -> 0.1 (its shortest repr), not 0.10000000149011612
            return float(str(value))
        except ValueError:
            return float(value)
    if isinstance(value, BaseModel):
        return pydantic_core.from_json(value.model_dump_json(by_alias=True))
    tolist = getattr(value, "tolist", None)  # numpy arrays and numpy bools
    if callable(tolist):
        return _jsonable(tolist(), path, depth + 1)
    if isinstance(value, (set, frozenset)):
        return [_jsonable(v, f"{path}[{i}]", depth + 1) for i, v in enumerate(value)]
    return str(value)


def _json_key(key: Any, path: str) -> str:
    """Object keys as json.dumps writes them."""
    if isinstance(key, str):
        return str.__str__(key)
    if key is True or key is False or key is None:
        return {True: "true", False: "false", None: "null"}[key]
    if isinstance(key, (int, float)):
        return repr(float(key)) if isinstance(key, float) else str(int(key))
    raise ProtocolError.at(path, f"object key {key!r} is not a string", "key_type")


# ----------------------------------------------------------------------------- payload dicts


def payload_type(tp: Any) -> Any:
    """The dict-valued twin of a generated payload type: every BaseModel inside ``tp`` becomes a
    TypedDict with the same (wire-named) keys, constraints and extra-key policy, so pydantic
    validates a payload in one pass and hands back plain dicts and lists."""
    return _dictify(tp)


def _dictify(tp: Any) -> Any:
    if isinstance(tp, TypeAliasType):
        return _dictify(tp.__value__)
    origin = typing.get_origin(tp)
    if origin is Annotated:
        base, *meta = typing.get_args(tp)
        return Annotated[(_dictify(base), *meta)]
    if origin is Union or origin is types.UnionType:
        args = typing.get_args(tp)
        union = Union[tuple(_dictify(a) for a in args)]
        if _first_fit_is_best(args):
            union = Annotated[union, Field(union_mode="left_to_right")]
        return union
    if origin is list:
        return list[_dictify(typing.get_args(tp)[0])]
    if origin is dict:
        k, v = typing.get_args(tp)
        return dict[k, _dictify(v)]
    if isinstance(tp, type) and issubclass(tp, BaseModel):
        return _typed_dict_of(tp)
    return tp


# ----------------------------------------------------------------------------- payload unions
#
# pydantic's default ("smart") union validates every branch of a union of objects and keeps the
# best: the one that sets the most fields, then the most exact one (a branch that runs an ``Any``
# validator is only "strict", one that does not is "exact"), then the first. That makes every
# payload cost all its shapes, e.g. ``ScalarPoint | ResultReply | ErrorReply`` three. Where the
# first branch that fits is provably the one smart mode keeps, the union is validated left to
# right instead (same result, the later branches are not tried). For each pair of branches
# ``a`` before ``b`` one of these must hold:
#
# * exclusive: a key both require takes values of disjoint JSON kinds (or ``b`` is a dict of
#   objects and a key ``a`` requires cannot be an object), so they never both fit;
# * ``a`` dominates: it requires at least as many fields as ``b`` has, and none of its required
#   fields can be less than exact (an ``Any``, or a scalar without ``Strict``; an optional one
#   that is present makes ``a`` set strictly more), so ``a`` sets more fields or as many and is at
#   least as exact;
# * twins: the same optional fields, as many required ones, and both or neither with a
#   required ``Any`` field, so every input gives them the same count and exactness.
#
# Unions that pass nothing (``ActionResult | ActionError``: ``result`` is ``Any``, so smart mode
# prefers ``ActionError`` when both fit) stay smart.


def _first_fit_is_best(args: tuple) -> bool:
    branches = [b for a in args for b in _branches(a)]
    if sum(b is not type(None) for b in branches) < 2 or not any(_shape(b) for b in branches):
        return False  # not a union of object shapes: leave it as generated
    for i, a in enumerate(branches):
        for b in branches[i + 1:]:
            if not (_exclusive(a, b) or _dominates(a, b) or _twins(a, b)):
                return False
    return True


def _branches(tp: Any) -> list:
    tp = _unalias(tp)
    if typing.get_origin(tp) in (Union, types.UnionType):
        return [b for a in typing.get_args(tp) for b in _branches(a)]
    return [tp]


def _unalias(tp: Any) -> Any:
    """The type under aliases and ``Annotated``."""
    return _peel(tp)[0]


def _shape(tp: Any) -> tuple[dict[str, Any], dict[str, Any]] | None:
    """(required fields, optional fields) of a generated model by wire name; None otherwise."""
    if not (isinstance(tp, type) and issubclass(tp, BaseModel)):
        return None
    required, optional = {}, {}
    for name, info in tp.model_fields.items():
        (required if info.is_required() else optional)[info.alias or name] = _field_type(info)
    return required, optional


def _field_type(info: Any) -> Any:
    """A model field's type with the metadata pydantic moved out of its annotation."""
    ann = _drop_missing(info.annotation)
    return Annotated[(ann, *info.metadata)] if info.metadata else ann


def _peel(tp: Any) -> tuple[Any, bool]:
    """The type under aliases and ``Annotated``, and whether a ``Strict`` marker was on the way."""
    strict = False
    while True:
        if isinstance(tp, TypeAliasType):
            tp = tp.__value__
        elif typing.get_origin(tp) is Annotated:
            base, *meta = typing.get_args(tp)
            strict = strict or any(getattr(m, "strict", None) is True for m in meta)
            tp = base
        else:
            return tp, strict


def _inexact(tp: Any, seen: frozenset = frozenset()) -> str | None:
    """How a value of this type can fall short of an "exact" match in smart mode: "any" (an
    ``Any`` validator, "strict" at best), "lax" (a number or bool without ``Strict``, which may
    coerce), or None (always exact: strict scalars, str, literals, and lists, dicts and models of
    those)."""
    tp, strict = _peel(tp)
    if tp is Any:
        return "any"
    if tp in (int, float, bool):
        return None if strict else "lax"
    if tp is str:  # a lax str coerces only bytes, which JSON data (all any message holds) has not
        return None
    if isinstance(tp, type) and issubclass(tp, BaseModel):
        found = set() if tp in seen else {_inexact(_field_type(f), seen | {tp}) for f in tp.model_fields.values()}
    else:
        found = {_inexact(a, seen) for a in typing.get_args(tp) if not isinstance(a, (str, int, float, bool))}
    return "lax" if "lax" in found else "any" if "any" in found else None


def _kinds(tp: Any) -> set[str]:
    """The JSON kinds a type accepts ("any" when it is not known)."""
    tp, strict = _peel(tp)
    origin = typing.get_origin(tp)
    if origin in (Union, types.UnionType):
        return set().union(*(_kinds(a) for a in typing.get_args(tp)))
    if origin is Literal:
        return set().union(*(_kinds(type(v)) for v in typing.get_args(tp)))
    if origin is dict or (isinstance(tp, type) and issubclass(tp, BaseModel)):
        return {"object"}
    if origin is list:
        return {"array"}
    if tp is None or tp is type(None):
        return {"null"}
    if tp in (int, float, bool):  # without Strict, numbers, bools and numeric strings mix
        return ({"bool"} if tp is bool else {"number"}) if strict else {"bool", "number", "string"}
    if tp is str:
        return {"string"}
    return {"any"}


def _disjoint(x: Any, y: Any) -> bool:
    kx, ky = _kinds(x), _kinds(y)
    return "any" not in kx and "any" not in ky and not kx & ky


def _exclusive(a: Any, b: Any) -> bool:
    if a is type(None) or b is type(None):
        return (a is type(None)) != (b is type(None))
    sa, sb = _shape(a), _shape(b)
    if sa and sb:
        return any(k in sb[0] and _disjoint(t, sb[0][k]) for k, t in sa[0].items())
    for shape, other in ((sa, b), (sb, a)):  # a model and a dict of objects
        if shape and typing.get_origin(other) is dict and _kinds(typing.get_args(other)[1]) == {"object"}:
            return any("object" not in _kinds(t) and "any" not in _kinds(t) for t in shape[0].values())
    return False


def _dominates(a: Any, b: Any) -> bool:
    sa, sb = _shape(a), _shape(b)
    if sa is None:  # a dict of objects: smart mode returns it at once when it is exact
        return typing.get_origin(a) is dict and _inexact(a) is None
    if sb is None:  # ``b`` sets no count: the more exact wins, so ``a`` must be exact
        return _inexact(a) is None
    return len(sa[0]) >= len(sb[0]) + len(sb[1]) and all(_inexact(t) is None for t in sa[0].values())


def _twins(a: Any, b: Any) -> bool:
    sa, sb = _shape(a), _shape(b)
    if not (sa and sb) or len(sa[0]) != len(sb[0]) or sa[1] != sb[1]:
        return False
    return _exactness(sa) is not None and _exactness(sa) == _exactness(sb)


def _exactness(shape: tuple[dict[str, Any], dict[str, Any]]) -> str | None:
    """"exact" (nothing inexact anywhere), "strict" (a required ``Any`` field, which always runs,
    and nothing lax), or None (depends on the input)."""
    required, optional = shape
    found = {_inexact(t) for t in (*required.values(), *optional.values())}
    if found <= {None}:
        return "exact"
    return "strict" if "lax" not in found and any(_unalias(t) is Any for t in required.values()) else None


@lru_cache(maxsize=None)
def _typed_dict_of(model: type[BaseModel]) -> Any:
    fields = {}
    for name, info in model.model_fields.items():
        ann = _dictify(_drop_missing(info.annotation))
        if info.metadata:
            ann = Annotated[(ann, *info.metadata)]
        fields[info.alias or name] = ann if info.is_required() else NotRequired[ann]
    td = TypedDict(model.__name__, fields)  # type: ignore[operator]
    extra = model.model_config.get("extra") or "ignore"
    td.__pydantic_config__ = ConfigDict(extra=extra, ser_json_inf_nan="strings")  # type: ignore[attr-defined]
    _BRANCH_LABELS.add(model.__name__)
    return td


def _drop_missing(tp: Any) -> Any:
    """``X | MISSING`` (an optional field without default) -> ``X``."""
    args = typing.get_args(tp)
    if typing.get_origin(tp) in (Union, types.UnionType) and any(a is MISSING for a in args):
        kept = tuple(a for a in args if a is not MISSING)
        return kept[0] if len(kept) == 1 else Union[kept]
    return tp


# ----------------------------------------------------------------------------- the envelope


class _EnvelopeMeta(type(BaseModel)):  # type: ignore[misc]
    """``EventMsg(event_type="scalar", ...)`` builds the typed ``ScalarEvent`` (still an
    ``EventMsg``). Done here rather than in ``__new__``: pydantic-core calls a model's
    ``__new__`` for every validated instance, and a Python ``__new__`` costs every ``loads``."""

    def __call__(cls, *args: Any, **kwargs: Any) -> Any:
        if cls._payload_model is None and (args or kwargs):
            event_type = args[2] if len(args) > 2 else kwargs.get("event_type", kwargs.get("eventType"))
            sub = cls._event_classes.get(event_type) if isinstance(event_type, str) else None
            if sub is not None and issubclass(sub, cls):
                cls = sub
        return super(_EnvelopeMeta, cls).__call__(*args, **kwargs)


class EnvelopeBase(BaseModel, metaclass=_EnvelopeMeta):
    """Base class of the generated ``EventMsg``: the API of neetbox's original ``EventMsg``."""

    model_config = ConfigDict(
        extra="allow",
        validate_by_name=True,
        validate_by_alias=True,
        serialize_by_alias=True,
        validate_assignment=True,
        ser_json_inf_nan="strings",
        regex_engine="rust-regex",
        # validators and serializers are built on first use, not at import: a process builds
        # only what it uses (``EventMsg.loads`` needs the union of the typed events, not each
        # event's own validator, which a constructor call builds)
        defer_build=True,
    )

    # filled by the generated events module: event type -> typed subclass, and the generated
    # payload model of each typed subclass
    _event_classes: ClassVar[dict[str, type[EnvelopeBase]]] = {}
    _payload_model: ClassVar[Any] = None
    _known_adapter: ClassVar[TypeAdapter | None] = None
    _loads_json: ClassVar[Any] = None  # EventMsg: the union's validate_json, once built

    # -- construction ------------------------------------------------------------------------

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        if len(args) > len(_ORIGINAL_ORDER):
            raise TypeError(f"EventMsg takes at most {len(_ORIGINAL_ORDER)} positional arguments")
        for name, value in zip(_ORIGINAL_ORDER, args):
            if name in kwargs:
                raise TypeError(f"EventMsg got multiple values for argument '{name}'")
            kwargs[name] = value
        fields = type(self).model_fields
        missing = [n for n in _ORIGINAL_ORDER[:3] if n not in kwargs and fields[n].alias not in kwargs]
        if missing:
            raise TypeError(f"EventMsg missing required argument(s): {', '.join(map(repr, missing))}")
        data = _prepare_python(kwargs)
        try:
            super().__init__(**data)
        except ValidationError as exc:
            raise ProtocolError.from_validation_error(exc) from None

    # validation (loads) must not go through this __init__: pydantic calls a model's own
    # __init__ from its validator unless the method carries this marker
    __init__.__pydantic_base_init__ = True  # type: ignore[attr-defined]

    def __setattr__(self, name: str, value: Any) -> None:
        if name == "payload" or name not in type(self).model_fields:
            value = _jsonable(value, name)
        try:
            super().__setattr__(name, value)
        except ValidationError as exc:
            raise ProtocolError.from_validation_error(exc) from None

    # -- the original API ----------------------------------------------------------------------

    @property
    def json(self) -> dict[str, Any]:  # type: ignore[override]  # BaseModel.json() is deprecated
        """The wire form as a new dict: the ten envelope keys in neetbox's order, then any keys
        this version does not know. Values are JSON data exactly as ``dumps`` writes them
        (non-finite floats as "NaN"/"Infinity"/"-Infinity"), so ``json.dumps(msg.json)`` is
        strict JSON too."""
        return pydantic_core.from_json(self._to_json())

    def dumps(self) -> str:
        """The message as RFC 8259 JSON text (compact, UTF-8; see the README's encoding notes)."""
        return self._to_json().decode()

    def _to_json(self) -> bytes:
        # A validated message holds plain JSON data (the payload, kept as dicts and lists) plus
        # an IdentityType, a str whose text is its value. ``_WIRE`` writes the fields from
        # ``__dict__`` (in field order, which is the wire order) under their wire names, and the
        # payload by inference: the same bytes as the model's serializer, about twice as fast
        # (it skips the per-field model machinery and the Enum's Python ``.value`` lookup).
        # A message with unknown keys takes the model's serializer, which writes them after.
        wire = _WIRE.serializer
        if wire is None or self.__pydantic_extra__:
            return self.__pydantic_serializer__.to_json(self, by_alias=True)
        return wire.to_json(self.__dict__, by_alias=True)

    @classmethod
    def loads(
        cls, src: str | bytes | bytearray | Mapping[str, Any], *, strict: bool = False,
        max_bytes: int = DEFAULT_MAX_BYTES,
    ) -> EnvelopeBase:
        """Parse and validate one message (JSON text, UTF-8 bytes, or a dict).

        Missing keys take their defaults (the web UI sends only some). A known event type gives
        its typed subclass (``ScalarEvent``...); an unknown one gives a plain ``EventMsg``
        unless ``strict=True``. Bad input raises ``ProtocolError``."""
        t = type(src)
        if t is str or t is bytes:  # the common case first, in as few steps as possible
            fast = cls._loads_json
            if fast is None and cls._payload_model is None and cls._known_adapter is not None:
                # EventMsg: the typed events' union, built on first use; the typed subclasses
                # have their own ``_loads_json = None`` and take the general path below
                fast = cls._loads_json = cls._known_adapter.validator.validate_json
            if fast is not None and len(src) <= max_bytes:
                try:
                    return fast(src)
                except ValidationError as exc:
                    if strict or not _only_unknown_tag(exc):
                        raise ProtocolError.from_validation_error(exc) from None
                try:  # an event type this version does not know: the untyped envelope
                    return cls.__pydantic_validator__.validate_json(src)
                except ValidationError as exc:
                    raise ProtocolError.from_validation_error(exc) from None
        if t is str or t is bytes or isinstance(src, (str, bytes, bytearray, memoryview)):
            if len(src) > max_bytes:
                raise ProtocolError.at("", f"message is {len(src)} bytes, over the limit of {max_bytes}", "too_large")
            if isinstance(src, memoryview):
                src = src.tobytes()
            json_input = True
        elif isinstance(src, Mapping):
            if not isinstance(src.get("eventType", ""), str):
                raise ProtocolError.at("eventType", "Input should be a valid string", "string_type")
            src = _prepare_python(src)
            json_input = False
        else:
            raise ProtocolError.at("", f"message must be JSON text, bytes or a dict, not {type(src).__name__}", "message_type")
        known = cls._known_adapter
        if cls._payload_model is not None or known is None:  # a typed class: itself
            validator = cls.__pydantic_validator__
            try:
                return validator.validate_json(src) if json_input else validator.validate_python(src)
            except ValidationError as exc:
                raise ProtocolError.from_validation_error(exc) from None
        validator = known.validator
        try:
            return validator.validate_json(src) if json_input else validator.validate_python(src)
        except ValidationError as exc:
            if strict or not _only_unknown_tag(exc):
                raise ProtocolError.from_validation_error(exc) from None
        validator = cls.__pydantic_validator__
        try:  # an event type this version does not know: the untyped envelope
            return validator.validate_json(src) if json_input else validator.validate_python(src)
        except ValidationError as exc:
            raise ProtocolError.from_validation_error(exc) from None

    @classmethod
    def merge(cls, x: EnvelopeBase | Mapping[str, Any], y: EnvelopeBase | Mapping[str, Any]) -> EnvelopeBase:
        """A new message: ``x`` with every key ``y`` carries replaced (a message carries all its
        keys). Neither argument is changed; the result is validated like ``loads``."""
        merged = dict(x.json if isinstance(x, EnvelopeBase) else _check_mapping(x, "x"))
        merged.update(y.json if isinstance(y, EnvelopeBase) else _check_mapping(y, "y"))
        return cls.loads(merged)

    @property
    def typed_payload(self) -> Any:
        """The payload as the generated pydantic model of its event type (e.g. ``ScalarPoint``
        with ``.x`` and ``.y``); the raw value for an untyped event."""
        model = type(self)._payload_model
        if model is None:
            return self.payload
        return _adapter(model).validate_python(self.payload)

    @classmethod
    def _register_events(cls, classes: dict[str, type[EnvelopeBase]]) -> None:
        cls._event_classes = dict(classes)
        for sub in classes.values():
            sub._loads_json = None  # a typed class validates with its own validator
        _BRANCH_LABELS.update(classes)
        _WIRE_NAMES.update({n: f.alias for n, f in cls.model_fields.items() if f.alias})
        _KNOWN_KEYS.update(cls.model_fields, _WIRE_NAMES.values())
        union = Union[tuple(classes.values())]
        cls._known_adapter = TypeAdapter(
            Annotated[union, Field(discriminator="event_type")], config=ConfigDict(defer_build=True)
        )
        _WIRE.serializer = _wire_serializer(cls)


class _WIRE:
    serializer: pydantic_core.SchemaSerializer | None = None


def _wire_serializer(envelope: type[BaseModel]) -> pydantic_core.SchemaSerializer:
    """Serializes an envelope's ``__dict__``: every field under its wire name; the values by
    inference (JSON data), except str Enums (``identityType``) written as the str they are."""
    cs = pydantic_core.core_schema
    fields = {}
    for name, info in envelope.model_fields.items():
        str_enum = any(isinstance(a, type) and issubclass(a, str) and issubclass(a, enum.Enum) for a in _branches(info.annotation))
        schema = cs.nullable_schema(cs.str_schema()) if str_enum else cs.any_schema()
        fields[name] = cs.typed_dict_field(schema, serialization_alias=info.alias or name)
    return pydantic_core.SchemaSerializer(cs.typed_dict_schema(fields), cs.CoreConfig(ser_json_inf_nan="strings"))


@lru_cache(maxsize=None)
def _adapter(tp: Any) -> TypeAdapter:
    """One TypeAdapter per payload model: building one costs far more than validating with it."""
    return TypeAdapter(tp)


def _check_mapping(value: Any, name: str) -> Mapping[str, Any]:
    if not isinstance(value, Mapping):
        raise ProtocolError.at("", f"merge: {name} must be an EventMsg or a dict, not {type(value).__name__}", "message_type")
    return value


def _only_unknown_tag(exc: ValidationError) -> bool:
    errors = exc.errors(include_url=False)
    return len(errors) == 1 and errors[0]["type"] == "union_tag_invalid"


def _prepare_python(data: Mapping[str, Any]) -> dict[str, Any]:
    """Python input: payload and unknown keys made JSON data (see ``_jsonable``)."""
    out = {}
    known = _KNOWN_KEYS
    for key, value in data.items():
        if not isinstance(key, str):
            raise ProtocolError.at("", f"message key {key!r} is not a string", "key_type")
        if key == "payload" or key not in known:
            value = _jsonable(value, key)
        out[key] = value
    return out


