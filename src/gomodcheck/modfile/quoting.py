"""Go's quoting rules that go.mod parsing depends on: strconv.Unquote and modfile.MustQuote.

Text comes from bytes decoded with "surrogateescape": each byte that is not valid UTF-8 is one
lone surrogate U+DC80..U+DCFF, which is how Go sees it too (one RuneError per bad byte).
"""

from __future__ import annotations

from gomodcheck.modfile.goprint import go_is_print

__all__ = ["go_unquote", "is_escaped_byte", "must_quote"]

_SIMPLE_ESCAPES = {
    "a": 0x07,
    "b": 0x08,
    "f": 0x0C,
    "n": 0x0A,
    "r": 0x0D,
    "t": 0x09,
    "v": 0x0B,
    "\\": 0x5C,
}
_HEX = "0123456789abcdefABCDEF"


def is_escaped_byte(c: str) -> bool:
    return "\udc80" <= c <= "\udcff"


def go_unquote(token: str) -> str:
    """strconv.Unquote for a "double-quoted" or `raw` Go string; ValueError("invalid syntax").

    As in Go, \\x and octal escapes produce raw bytes (possibly invalid UTF-8, kept as
    surrogates) and undecodable input bytes become U+FFFD.
    """
    if len(token) >= 2 and token[0] == token[-1] == "`" and "`" not in token[1:-1]:
        return token[1:-1].replace("\r", "")  # a raw string; Go drops its carriage returns
    if len(token) < 2 or token[0] != '"' or token[-1] != '"':
        raise ValueError("invalid syntax")
    body = token[1:-1]
    if not any(c in '\\\n"' or is_escaped_byte(c) for c in body):
        return body
    out = bytearray()
    i, n = 0, len(body)
    while i < n:
        c = body[i]
        if c in '"\n':
            raise ValueError("invalid syntax")
        if c != "\\":
            out += b"\xef\xbf\xbd" if is_escaped_byte(c) else c.encode("utf-8")
            i += 1
            continue
        if i + 1 >= n:
            raise ValueError("invalid syntax")
        e = body[i + 1]
        i += 2
        if e in _SIMPLE_ESCAPES:
            out.append(_SIMPLE_ESCAPES[e])
        elif e == '"':
            out.append(0x22)
        elif e in "xuU":
            width = {"x": 2, "u": 4, "U": 8}[e]
            digits = body[i : i + width]
            if len(digits) < width or any(d not in _HEX for d in digits):
                raise ValueError("invalid syntax")
            i += width
            value = int(digits, 16)
            if e == "x":
                out.append(value)
            elif value > 0x10FFFF or 0xD800 <= value <= 0xDFFF:
                raise ValueError("invalid syntax")
            else:
                out += chr(value).encode("utf-8")
        elif "0" <= e <= "7":
            digits = body[i : i + 2]
            if len(digits) < 2 or any(not "0" <= d <= "7" for d in digits):
                raise ValueError("invalid syntax")
            i += 2
            value = int(e + digits, 8)
            if value > 255:
                raise ValueError("invalid syntax")
            out.append(value)
        else:
            raise ValueError("invalid syntax")
    return bytes(out).decode("utf-8", "surrogateescape")


def must_quote(s: str) -> bool:
    """modfile.MustQuote: whether s needs quoting to be one token in a go.mod line."""
    for c in s:
        if c in " \"'`":
            return True
        if c in "()[]{},":
            if len(s) > 1:
                return True
        elif not (go_is_print(c) or is_escaped_byte(c)):
            return True
    return s == "" or "//" in s or "/*" in s
