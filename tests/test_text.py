"""neetbox_protocol._text.escape: text made safe for a terminal or a log. The laws: the result
never holds a control, format (bidi, zero-width), surrogate, separator, private-use or
unassigned character; text without them comes back unchanged; each one is replaced by its
readable escape, as Python writes it (so the text is still there to read)."""

from __future__ import annotations

import sys
import unicodedata

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from support import examples

from neetbox_protocol._text import escape, is_unsafe

#: The oracle, stated by Unicode category independently of the module (which asks
#: str.isprintable): what a terminal or log must never get raw. Zs: spaces but U+0020.
ORACLE = {"Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp", "Zs"}


def unsafe(char: str) -> bool:
    return char != " " and unicodedata.category(char) in ORACLE


# every character, surrogates included, with the unsafe ones often
PIECES = ["\x1b", "\x07", "\x00", "\x7f", "\x9b", "\x85", "\r", "\n", "\t", "\u202e", "\u2066", "\u200f", "\u061c",
          "\ufeff", "\u200b", "\u2028", "\u2029", "\ud800", "\udfff", "\U000e0041", "a", "é", "😀", "\\", " ", "'", '"',
          "\u00a0", "\u3000", "\ue000", "\U0010ffff"]  # fmt: skip
any_text = st.text(st.characters(codec=None, categories=None), max_size=60) | st.lists(st.sampled_from(PIECES), max_size=30).map("".join)
safe_text = st.text(st.characters(exclude_categories=tuple(ORACLE)) | st.just(" "), max_size=60)


@settings(max_examples=examples(200), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(any_text)
@example("\x1b]0;PWNED\x07\x1b[2J\x9b\u202e\nfake.jsonl:1: ok")
def test_the_result_never_holds_an_unsafe_character(text):
    out = escape(text)
    assert not any(unsafe(c) for c in out)
    out.encode("utf-8")  # no lone surrogate left: writable to any UTF-8 stream
    assert out.count("\n") == 0 and out.count("\r") == 0  # cannot forge a line


@settings(max_examples=examples(200), deadline=None)
@given(safe_text)
def test_text_without_unsafe_characters_is_unchanged(text):
    assert escape(text) == text


def as_python_writes_it(char: str) -> str:
    return char.encode("unicode_escape").decode("ascii")


def expected(text: str) -> str:
    """The whole rule, character by character: an unsafe one as Python's unicode_escape writes it."""
    return "".join(as_python_writes_it(c) if unsafe(c) else c for c in text)


@settings(max_examples=examples(200), deadline=None)
@given(any_text)
def test_each_unsafe_character_becomes_its_escape_and_the_rest_stays(text):
    assert escape(text) == expected(text)


@pytest.mark.parametrize(
    "text,expected",
    [
        ("\x1b[2J", "\\x1b[2J"),
        ("a\nb\r\tc", "a\\nb\\r\\tc"),
        ("\x00\x7f\x9b\x85", "\\x00\\x7f\\x9b\\x85"),
        ("\u202eevil\u202c", "\\u202eevil\\u202c"),
        ("\u2066x\u2069\u200e\u200f\u061c", "\\u2066x\\u2069\\u200e\\u200f\\u061c"),
        ("\ufeff\u200b\u2028\u2029", "\\ufeff\\u200b\\u2028\\u2029"),
        ("\ud800 \udfff", "\\ud800 \\udfff"),
        ("\U000e0041", "\\U000e0041"),
        ("\u00a0\u3000\ue000\U0010ffff", "\\xa0\\u3000\\ue000\\U0010ffff"),
        ("é 😀 日本 \\x1b \\ ' \"", "é 😀 日本 \\x1b \\ ' \""),
        ("\\\x1b'\"\\'", "\\\\x1b'\"\\'"),
        ("", ""),
    ],
)
def test_escapes_as_python_writes_them(text, expected):
    assert escape(text) == expected


def test_is_unsafe_is_the_rule_per_character():
    assert is_unsafe("\x1b") and is_unsafe("\u202e") and is_unsafe("\ud800") and is_unsafe("\u2028")
    assert is_unsafe("\u00a0") and is_unsafe("\ue000")
    assert not is_unsafe("a") and not is_unsafe(" ") and not is_unsafe("é") and not is_unsafe("\\")


def test_every_code_point_follows_the_rule():
    """All 1 114 112 code points in one string, in order: each is escaped or kept by the rule."""
    text = "".join(map(chr, range(sys.maxunicode + 1)))
    assert escape(text) == expected(text)


def test_a_str_subclass_and_a_non_str():
    class S(str):
        def __str__(self):
            return "other"

    assert escape(S("a\x1b")) == "a\\x1b" and type(escape(S("ok"))) is str
    with pytest.raises(TypeError, match="escape\\(\\) takes a str, not bytes"):
        escape(b"\x1b")  # type: ignore[arg-type]
