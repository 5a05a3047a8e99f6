"""Text made safe to show in a terminal or a log: one function, ``escape``.

It holds only the rule for which characters are unsafe to write raw and how they are written
instead. It must not validate, parse, truncate or otherwise change text (a caller that needs a
length cap cuts the text before escaping it: an escape is up to 10 characters long), must not
import anything of the package (the runtime, the command line and the models all use it), and
must stay linear in the text's length (it runs at C speed: ``str.isprintable``, ``repr`` and
``str.replace``, about 30-60 ns per character of text that needs escaping).

The rule is Python's own for ``repr``: every character that ``str.isprintable`` calls not
printable is escaped, that is every character of the Unicode general categories

* ``Cc`` control characters: C0 (NUL, BEL, BS, LF, CR, ESC, ...), DEL and C1 (U+0080-U+009F,
  among them CSI U+009B, which some terminals read as ESC ``[``);
* ``Cf`` format characters, which reorder or hide text: the bidi embeddings, overrides and
  isolates (U+202A-U+202E, U+2066-U+2069), the marks U+200E, U+200F and U+061C, zero-width
  characters (U+200B-U+200D, U+2060), the byte order mark U+FEFF, soft hyphen, tag characters;
* ``Cs`` lone surrogates (``"\\ud800"``), which no UTF-8 stream can carry;
* ``Zl``, ``Zp`` and ``Zs`` but the space U+0020: the line and paragraph separators U+2028 and
  U+2029 (line breaks to many log viewers) and the other spaces (no-break, em, ideographic...),
  which look like a space or like nothing;
* ``Co`` private use and ``Cn`` unassigned code points, whose look no standard fixes.

Each is written as Python writes it in a string literal: ``\\t``, ``\\n``, ``\\r``, ``\\xNN``
below U+0100, ``\\uNNNN`` below U+10000, ``\\UNNNNNNNN`` above. Every other character (letters,
digits, punctuation, symbols, emoji, marks of any script) is left as it is, the backslash and
quotes included: the result is meant to be read, not parsed back (use ``repr`` or JSON for that).
Which characters are printable is the running Python's Unicode database's answer.
"""

from __future__ import annotations

__all__ = ["escape", "is_unsafe"]


def is_unsafe(char: str) -> bool:
    """Whether ``escape`` replaces this one character (``not char.isprintable()``)."""
    return not char.isprintable()


def escape(text: str) -> str:
    """``text`` with every control, format (bidi, zero-width), lone surrogate, separator,
    private-use and unassigned character written as a readable escape (``\\x1b``, ``\\n``,
    ``\\u202e``, ``\\ud800``); printable text comes back unchanged. Linear in ``len(text)``.
    ``text`` must be a ``str`` (a subclass is read as its ``str`` value)."""
    if type(text) is not str:
        if not isinstance(text, str):  # pyright: ignore[reportUnnecessaryIsInstance]  # callers pass anything
            raise TypeError(f"escape() takes a str, not {type(text).__name__}")
        text = str.__str__(text)
    if text.isprintable():
        return text
    # repr escapes exactly the characters that are not printable, and also the backslash (as
    # \\) and, when the text holds both kinds of quote, the quote (as \'); both are undone here.
    # Every backslash of repr's output starts an escape, so replacing \\ from left to right
    # finds exactly the escaped backslashes; they are parked on NUL (which repr never writes
    # raw) while the escaped quotes are undone.
    out = str.__repr__(text)[1:-1]
    if "\\\\" in out or "\\'" in out:
        out = out.replace("\\\\", "\x00").replace("\\'", "'").replace("\x00", "\\")
    return out
