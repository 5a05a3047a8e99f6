"""``EnvelopeBase``: the original ``EventMsg`` API on top of the generated pydantic fields.

The base class of the generated ``EventMsg``: positional and keyword construction (in neetbox
0.6.0's order), attribute assignment, ``json``, ``dumps``, ``loads``, ``merge``, ``typed_payload``,
and pydantic's entry points on the open envelope dispatching as ``loads`` does.
``register_events`` (``_register``) fills the registry it reads. The rules
it applies are the registry's and the value types'; it decides no schema fact itself.
"""

from __future__ import annotations

from collections.abc import Mapping
from contextlib import suppress
from typing import (
    TYPE_CHECKING,
    Any,
    ClassVar,
    Literal,
    cast,
    overload,
)

import pydantic_core
from pydantic import BaseModel, ConfigDict, GetCoreSchemaHandler, ValidationError
from typing_extensions import Self

from . import _loads, _objects, _writing
from ._annotations import PYTHON_VALUES, PlainAny
from ._assign import PLAIN_INTS, bounded_value
from ._coreschema import gated, validate_assignment
from ._errors import ProtocolArgumentError, ProtocolError
from ._limits import DEFAULT_MAX_BYTES
from ._registry import (
    REPLY_TAG,
    Registry,
    classify,
)
from ._text import escape
from ._values import json_data, quiet

if TYPE_CHECKING:  # the typed events (the events module imports this one at run time)
    from pydantic._internal._model_construction import ModelMetaclass

    from .events import KnownMessage, Message

    _ModelMetaclass = ModelMetaclass  # pydantic's metaclass, which type checkers know (dataclass_transform)
else:
    _ModelMetaclass = type(BaseModel)

__all__ = ["EnvelopeBase"]

_ABSENT = object()


class _EnvelopeMeta(_ModelMetaclass):
    """``EventMsg(event_type="scalar", ...)`` builds the typed ``ScalarEvent`` (still an
    ``EventMsg``). Done here rather than in ``__new__``: pydantic-core calls a model's
    ``__new__`` for every validated instance, and a Python ``__new__`` costs every ``loads``."""

    if not TYPE_CHECKING:  # type checkers read each class's own ``__init__`` (generated) instead

        def __call__(cls, *args: Any, **kwargs: Any) -> Any:
            if cls is Registry.envelope and (args or kwargs):
                at = Registry.positions
                event_type = args[at["event_type"]] if len(args) > at["event_type"] else kwargs.get("event_type", kwargs.get("eventType"))
                identity_type = args[at["identity_type"]] if len(args) > at["identity_type"] else kwargs.get("identity_type", kwargs.get("identityType"))
                payload = args[at["payload"]] if len(args) > at["payload"] else kwargs.get("payload")
                tag = classify(event_type, identity_type, payload)
                sub = Registry.reply_class if tag == REPLY_TAG else Registry.event_classes.get(tag)
                if sub is not None and issubclass(sub, cls):
                    cls = sub
            return super(_EnvelopeMeta, cls).__call__(*args, **kwargs)


class EnvelopeBase(BaseModel, metaclass=_EnvelopeMeta):
    """Base class of the generated ``EventMsg``: the API of neetbox's original ``EventMsg``."""

    # whether the message stays within the size limit whatever its bounded fields hold (set by
    # every door that checks a message; unset: not checked, ``dumps`` reads it back). Not a field:
    # not compared or pickled, read without a pydantic hook; copies keep it (``carry_checked``).
    __slots__ = ("_roomy",)

    model_config = ConfigDict(
        extra="allow",
        # wire input (JSON text, a dict given to loads or merge, pydantic's own doors) knows the
        # wire names only; the constructor's keywords may also be Python names (by_name=True there)
        validate_by_name=False,
        validate_by_alias=True,
        serialize_by_alias=True,
        validate_assignment=True,
        ser_json_inf_nan="strings",
        regex_engine="rust-regex",
    )

    if not TYPE_CHECKING:  # pydantic's own declaration (dict[str, Any] | None) is what type checkers see
        # unknown keys are free-form values, held in the strict-JSON form like a payload's: a bare
        # NaN in JSON text becomes "NaN" through every door (loads, TypeAdapter(Message), a
        # FastAPI body), so what is written out reads back the same
        __pydantic_extra__: dict[str, PlainAny]
        # the type itself, not the string of `from __future__ import annotations`: pydantic before
        # 2.14 evaluates that string in the namespace of each subclass's module (events.py), which
        # has no PlainAny (NameError at import on pydantic 2.12 and 2.13)
        __annotations__["__pydantic_extra__"] = dict[str, PlainAny]

    # the generated payload model of each typed subclass (``typed_payload``); None on EventMsg
    _payload_model: ClassVar[Any] = None
    # series -> the generated model of the shape it selects, on a typed event whose series does
    _series_models: ClassVar[dict[str, Any]] = {}
    if TYPE_CHECKING:  # a field of the generated EventMsg; the slot above
        payload: Any
        _roomy: bool

    # -- pydantic's entry points on the open envelope dispatch like ``loads`` -------------------

    @classmethod
    def model_validate(cls, obj: Any, **kwargs: Any) -> Self:
        """On ``EventMsg`` itself: ``TypeAdapter(Message).validate_python`` (the typed event of a
        known event type, its payload checked; pydantic's ``ValidationError`` on bad input); on a
        typed class: that class, as pydantic does; either way through the size gate (and with
        the collector paused, as ``loads`` of a dict: ``_values.quiet``). A value whose own code
        fails while it is read (a Mapping's ``__getitem__``, an object's ``__hash__``) is a
        ``ValidationError`` too (pydantic's ``TypeAdapter(Message)`` lets that failure through)."""
        try:
            return cast(Self, quiet(_loads.door(cls).validate_python, obj, **kwargs))
        except (ValidationError, MemoryError):
            raise
        except Exception as exc:
            raise ValidationError.from_exception_data(cls.__name__, [
                {"type": "value_error", "loc": (), "input": obj, "ctx": {"error": escape(ProtocolError.unreadable(exc).errors[0]["message"])}},
            ]) from exc

    @classmethod
    def model_validate_json(cls, json_data: str | bytes | bytearray, **kwargs: Any) -> Self:
        """On ``EventMsg`` itself: ``TypeAdapter(Message).validate_json`` (see ``model_validate``)."""
        validate = _loads.door(cls).validate_json
        if isinstance(json_data, (str, bytes, bytearray)) and len(json_data) >= _loads.QUIET_TEXT:  # pyright: ignore[reportUnnecessaryIsInstance]  # callers pass anything: pydantic refuses the rest
            return cast(Self, quiet(validate, json_data, **kwargs))
        return cast(Self, validate(json_data, **kwargs))

    @classmethod
    def model_validate_strings(cls, obj: Any, **kwargs: Any) -> Self:
        """On ``EventMsg`` itself: ``TypeAdapter(Message).validate_strings`` (see ``model_validate``)."""
        return cast(Self, quiet(_loads.door(cls).validate_strings, obj, **kwargs))

    @classmethod
    def __get_pydantic_core_schema__(cls, source: Any, handler: GetCoreSchemaHandler) -> pydantic_core.CoreSchema:
        """Named by another schema (``TypeAdapter(Message)``, a FastAPI body, a model's field), a
        message class validates through the size gate too (``_coreschema.gated``)."""
        return gated(cls, handler(source))

    # -- construction ------------------------------------------------------------------------

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        order = Registry.positional_order
        if len(args) > len(order):
            raise ProtocolArgumentError.at("", f"EventMsg takes at most {len(order)} positional arguments", "arguments")
        for name, value in zip(order, args):
            if name in kwargs:
                raise ProtocolArgumentError.at(name, f"EventMsg got multiple values for argument '{name}'", "arguments")
            kwargs[name] = value
        wire_names = Registry.wire_names
        for name, wire in wire_names.items():  # a keyword by its Python name and by its wire name
            if name in kwargs and wire in kwargs:
                raise ProtocolArgumentError.at(wire, f"EventMsg got '{name}' and '{wire}', the same field twice", "arguments")
        missing = [n for n in order[: Registry.required_arguments] if n not in kwargs and wire_names.get(n, n) not in kwargs]
        if missing:
            raise ProtocolArgumentError.at(missing[0], f"EventMsg missing required argument(s): {', '.join(map(repr, missing))}", "arguments")
        data = _loads.python_input(kwargs, Registry.known_keys)
        try:  # BaseModel.__init__, with the Python doors' context; keywords by Python or wire name
            type(self).__pydantic_validator__.validate_python(data, self_instance=self, context=PYTHON_VALUES, by_name=True)
        except ValidationError as exc:
            raise ProtocolError.from_validation_error(exc) from None
        except (ProtocolError, MemoryError):
            raise
        except Exception as exc:  # a value's own code failed (an identity type whose __hash__ raises)
            raise ProtocolError.unreadable(exc) from exc
        self._check_size()

    # validation (loads) must not go through this __init__: pydantic calls a model's own
    # __init__ from its validator unless the method carries this marker
    __init__.__pydantic_base_init__ = True  # type: ignore[attr-defined]  # a marker pydantic reads

    def __setattr__(self, name: str, value: Any) -> None:
        bounded = _bounded.get(name)  # a field of bounded size, by its Python or wire name: the common case, first
        if bounded is not None:
            # that field's own check, and the size limit only where the message was not known to
            # have room for any value of such fields (``_roomy``). The same verdict and result as
            # pydantic's ``validate_assignment`` (tests/test_fast_paths.py compares them)
            ints = PLAIN_INTS.get(bounded)
            if ints is None or type(value) is not int or not ints[0] <= value <= ints[1]:  # else: an int the field takes as it is
                value = bounded_value(self, bounded, value)
            held: dict[str, Any] = self.__dict__  # pyright: ignore[reportAssignmentType]  # an instance's __dict__ is a dict
            before = held[bounded]
            held[bounded] = value
            try:
                roomy = self._roomy  # the slot (no pydantic hook while it is set)
            except AttributeError:  # not known (a copy, a message from pydantic's own doors): measure
                roomy = False
            if not roomy:
                try:
                    self._check_size()
                except ProtocolError:
                    held[bounded] = before
                    raise
            self.__pydantic_fields_set__.add(bounded)
            return None
        if name[:1] == "_":  # pydantic's own private attributes
            return super().__setattr__(name, value)
        name = Registry.python_names.get(name, name)  # ``m.projectId = ...`` sets the field ``project_id``
        value = _loads.python_value(name, value, Registry.field_names)
        field = name in Registry.field_names
        before = self.__dict__.get(name, _ABSENT) if field else (self.__pydantic_extra__ or {}).get(name, _ABSENT)
        try:  # what BaseModel.__setattr__ does with validate_assignment, with the Python doors' context
            validate_assignment(self, name, value)
        except ValidationError as exc:
            raise ProtocolError.from_validation_error(exc) from None
        except (ProtocolError, MemoryError):
            raise
        except Exception as exc:  # a value's own code failed
            raise ProtocolError.unreadable(exc, Registry.wire_names.get(name, name)) from exc
        try:
            self._check_size()
        except ProtocolError:  # the message stays as it was (validation replaced the dict that holds it)
            where: dict[str, Any] = self.__dict__ if field else self.__pydantic_extra__ or {}  # pyright: ignore[reportAssignmentType]  # an instance's __dict__ is a dict
            if before is _ABSENT:
                where.pop(name, None)
            else:
                where[name] = before
            raise

    # -- the object model (issue 21): no field deleted, copies share nothing, text escaped --------

    @classmethod
    def __pydantic_init_subclass__(cls, **kwargs: Any) -> None:
        super().__pydantic_init_subclass__(**kwargs)
        _objects.check_subclass(cls)

    def __delattr__(self, name: str) -> None:
        _objects.refuse_delete(self, name)
        super().__delattr__(name)

    def __copy__(self) -> Self:
        return _objects.copied(self, super().__copy__())  # type: ignore[return-value]  # a copy of self

    def __deepcopy__(self, memo: dict[int, Any] | None = None) -> Self:
        return _objects.carry_checked(self, super().__deepcopy__(memo))  # type: ignore[return-value]  # a copy of self

    def model_copy(self, *, update: Mapping[str, Any] | None = None, deep: bool = False) -> Self:
        """pydantic's copy; with ``update``, pydantic's unvalidated door: the copy holds what it is
        given, unchecked, until ``dumps()`` reads it back (``_verify``). Validate it instead with
        ``EventMsg.merge(m, {...})``."""
        copied = super().model_copy(update=update, deep=deep)
        if update:
            with suppress(AttributeError):  # not checked: ``dumps`` reads it back first
                _ROOMY.__delete__(copied)
        return copied

    def __repr__(self) -> str:
        try:
            return escape(super().__repr__())  # an unknown key's name is written raw by pydantic
        except Exception as exc:  # a value set in place that has no repr (an int of 5 000 digits)
            return escape(f"<{type(self).__name__}, not printable: {type(exc).__name__}: {exc}>")

    def __str__(self) -> str:
        try:
            return escape(super().__str__())
        except Exception as exc:
            return escape(f"<{type(self).__name__}, not printable: {type(exc).__name__}: {exc}>")

    # -- the original API ----------------------------------------------------------------------

    @property
    def json(self) -> dict[str, Any]:  # type: ignore[override]  # BaseModel.json() is deprecated
        """The wire form as a new dict: the ten envelope keys in neetbox's order, then any keys
        this version does not know. Values are JSON data exactly as ``dumps`` writes them
        (non-finite floats as "NaN"/"Infinity"/"-Infinity"), so ``json.dumps(msg.json)`` is
        strict JSON too; ``identityType`` is the ``IdentityType`` member, a str, as in neetbox
        0.6.0. The dict is new; the payload and unknown keys' values in it are the message's own
        (a validated message holds them as JSON data already): a change made through them is a
        change of the message, checked where any change in place is, at ``dumps()``."""
        out: dict[str, Any] = _json_of(self.__dict__)
        extra = self.__pydantic_extra__
        if extra:
            out.update(extra)
        return out

    def dumps(self) -> str:
        """The message as RFC 8259 JSON text (compact, UTF-8; see the README's encoding notes)."""
        out = _writing.to_json(self)
        try:
            self._roomy  # noqa: B018  # set by every door that checks a message
        except AttributeError:  # none did: ``model_construct``, ``model_copy(update=...)``, an unpickled copy
            self._verify(out)
        return out.decode()

    def _verify(self, written: bytes) -> None:
        """A message no door checked (pydantic's unvalidated doors, a copy made by pickle):
        what it writes is read back as ``loads`` reads it, or a ``ProtocolError`` says why not,
        so ``dumps()`` never writes what ``loads`` refuses. Once: then it is noted as checked."""
        _loads.load(Registry.envelope or type(self), written, False, DEFAULT_MAX_BYTES)
        self._check_size()

    def _check_size(self, limit: int = DEFAULT_MAX_BYTES) -> None:
        """The message is at most ``limit`` bytes written out (UTF-8), as ``loads`` requires of
        JSON text: written out (in C, the cost of ``dumps``) and measured. Notes that the message
        was checked, and whether it has room for any value of its bounded fields (``_roomy``)."""
        size = len(_writing.to_json(self))
        if size > limit:
            raise ProtocolError.at("", f"message is {size} bytes as JSON, over the limit of {limit}", "too_large")
        _ROOMY.__set__(self, size + Registry.reserve <= DEFAULT_MAX_BYTES)

    def _loaded(self, text_length: int | None, max_bytes: int) -> None:
        """The size check of a message ``loads`` read from JSON text of ``text_length`` characters
        or bytes (None: from a dict), against ``max_bytes``. Text is never longer written out than
        ``_TEXT_GROWTH`` bytes per character (UTF-8: at most 4; a number token: ``1e15`` ->
        ``1000000000000000.0``) plus the keys a reader fills in (``Registry.reserve``): text that
        small is within the limit, and has room for any value of the bounded fields, unmeasured."""
        if text_length is None or _TEXT_GROWTH * text_length + Registry.reserve > max_bytes:  # may be over it
            self._check_size(max_bytes)
        else:
            _ROOMY.__set__(self, _TEXT_GROWTH * text_length + Registry.reserve <= DEFAULT_MAX_BYTES)

    # ``EventMsg.loads`` gives a ``Message`` (a ``KnownMessage`` with ``strict=True``); a typed
    # class's ``loads`` gives that class (each declares it in the generated events module)
    @overload
    @classmethod
    def loads(
        cls, src: str | bytes | bytearray | Mapping[str, Any], *, strict: Literal[True], max_bytes: int = ...
    ) -> KnownMessage: ...
    @overload
    @classmethod
    def loads(
        cls, src: str | bytes | bytearray | Mapping[str, Any], *, strict: bool = ..., max_bytes: int = ...
    ) -> Message: ...
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
        # the common case first, in as few steps as possible: JSON text given to EventMsg.loads
        # (module globals, copies of the registry's: a pydantic class's attributes are read
        # through its metaclass's ``__getattr__`` hook, which costs more than the whole check below)
        if cls is _fast_envelope and (t is str or t is bytes) and type(max_bytes) is int and len(src) <= max_bytes and len(src) < _QUIET_TEXT:
            try:
                msg: EnvelopeBase = _fast_loads(src)  # the typed events' union, tagged by eventType
            except ValidationError as exc:
                msg = _loads.settle(cls, exc, src, True, strict)
            else:
                if msg.__dict__["identity_type"] == _reply_identity and _loads.is_reply(msg):
                    msg = _loads.dispatch(src, True, strict)  # a typed event's shape, and a reply
            # the strict-JSON form of bare NaN tokens is the validator's (``PlainNumber``, ``PlainAny``)
            if len(src) <= _roomy_text and max_bytes >= DEFAULT_MAX_BYTES:  # small: ``_loaded`` without the call
                _set_roomy(msg, True)
            else:
                msg._loaded(len(src), max_bytes)
            return msg
        return _loads.load(cls, src, strict, max_bytes)

    @classmethod
    def merge(cls, x: EnvelopeBase | Mapping[str, Any], y: EnvelopeBase | Mapping[str, Any]) -> Message:
        """A new message: ``x`` with every key ``y`` carries replaced (a message carries all its
        keys). Neither argument is changed; the result is validated like ``loads``."""
        try:
            merged = dict(x.json if isinstance(x, EnvelopeBase) else _check_mapping(x, "x"))
            merged.update(y.json if isinstance(y, EnvelopeBase) else _check_mapping(y, "y"))
        except (ProtocolError, MemoryError):
            raise
        except Exception as exc:  # a Mapping's own code failed
            raise ProtocolError.unreadable(exc) from exc
        return cls.loads(merged)

    @property
    def typed_payload(self) -> Any:
        """The payload as the generated pydantic model of its event type (e.g. ``ScalarPoint``
        with ``.x`` and ``.y``); the raw value for an untyped event."""
        cls = type(self)
        model = cls._payload_model
        if model is None:
            return self.payload
        series = self.__dict__.get("series")
        if isinstance(series, str):  # the shape the series selects, if it names one
            model = cls._series_models.get(series, model)
        payload = self.__dict__["payload"]
        json_data(payload, ((), "payload"), 1)  # what no door takes, set in place (a 5 000-digit int)
        try:
            return _loads.adapter(model).validate_python(payload)
        except ValidationError as exc:  # a payload changed in place since the message was validated
            raise ProtocolError.from_validation_error(exc, ("payload",)) from None


def _check_mapping(value: object, name: str) -> Mapping[str, Any]:
    if not isinstance(value, Mapping):
        raise ProtocolError.at("", f"merge: {name} must be an EventMsg or a dict, not {type(value).__name__}", "message_type")
    return cast("Mapping[str, Any]", value)


#: the slot ``EnvelopeBase._roomy`` (its descriptor: set and read without any attribute hook)
_ROOMY: Any = EnvelopeBase.__dict__["_roomy"]

#: longer JSON text is read with the collector paused, by ``_loads.load`` (``_values.quiet``)
_QUIET_TEXT = _loads.QUIET_TEXT

#: JSON text is at most this many times longer written out (a character as ``\\u001f``; ``9e15``
#: as ``9000000000000000.0``): text of n characters or bytes writes at most 6 n bytes
_TEXT_GROWTH = 6


#: ``loads``' fast path, copies of the registry's set by ``register_events`` (module globals, read
#: for every message: cheaper than any class attribute): the open envelope (EventMsg), its typed
#: events' union's ``validate_json``, and the reply rule's identityType (None matches no message)
_fast_envelope: type[EnvelopeBase] | None = None
_fast_loads: Any = None
_reply_identity: str | None = None
#: ``.json``'s dict of an envelope's ``__dict__`` (``_register._json_builder``)
_json_of: Any = None
#: the fields of bounded size, by Python name and by wire name -> Python name (assignment's fast path)
_bounded: dict[str, str] = {}
#: JSON text this long or shorter is within the default limit written out, with room (``_loaded``)
_roomy_text: int = -1
#: sets the slot ``_roomy`` of a message (its descriptor's ``__set__``, bound once)
_set_roomy: Any = _ROOMY.__set__
