"""`gomodcheck parse FILE`: print a go.mod, go.work, go.sum, go.work.sum or modules.txt as JSON.

For go.mod and go.work the output is byte for byte what `go mod edit -json` and
`go work edit -json` print; malformed files fail with the go command's messages and exit 2.
"""

from __future__ import annotations

import sys
from pathlib import Path

import click

from gomodcheck.errors import InputError, ParseError, UsageError

KINDS = ("gomod", "gowork", "gosum", "gowork-sum", "vendor")
# The go command sets no limit, but real files are far smaller: kubernetes' go.mod is 12 KB,
# its go.sum 100 KB. A 4 MiB go.mod takes seconds and a gigabyte-sized syntax tree to parse
# (memory grows about 50x the input), so larger ones are refused rather than tried.
MAX_MODFILE_BYTES = 4 << 20
MAX_INPUT_BYTES = 64 << 20  # go.sum, go.work.sum, modules.txt: line-based and cheap


def detect_kind(name: str) -> str | None:
    """The kind of file a name implies (go.mod, vendor.mod and *.mod are go.mod files)."""
    base = Path(name).name
    if base == "go.work":
        return "gowork"
    if base == "go.work.sum":
        return "gowork-sum"
    if base == "go.sum" or base.endswith(".sum"):
        return "gosum"
    if base == "modules.txt":
        return "vendor"
    if base.endswith(".mod"):
        return "gomod"
    return None


def read_input(file: str, limit: int = MAX_INPUT_BYTES) -> bytes:
    """The file's bytes, or an InputError that says plainly why not (exit 2)."""
    if file == "-":
        data = sys.stdin.buffer.read(limit + 1)
    else:
        path = Path(file)
        try:
            if path.is_dir():
                raise InputError(f"{file}: is a directory, not a file")
            size = path.stat().st_size
            if size > limit:
                raise InputError(_too_large(file, size, limit))
            with path.open("rb") as f:
                data = f.read(limit + 1)
        except FileNotFoundError:
            raise InputError(f"{file}: no such file or directory") from None
        except PermissionError:
            raise InputError(f"{file}: permission denied") from None
        except OSError as e:
            raise InputError(f"{file}: cannot read: {e.strerror or e}") from None
    if len(data) > limit:
        raise InputError(_too_large(file, len(data), limit))
    return data


def _too_large(file: str, size: int, limit: int) -> str:
    return (
        f"{file}: {size} bytes is more than the {limit >> 20} MiB this command reads for "
        "such a file; real ones are a thousand times smaller, so this is not one"
    )


def render(kind: str, data: bytes, filename: str, *, lax: bool = False) -> str:
    """The JSON text for one file (ending in a newline); ParseError if the go command rejects it."""
    from gomodcheck.gojson import marshal_indent  # noqa: PLC0415 - keep start-up fast

    if kind in ("gomod", "gowork"):
        from gomodcheck import modfile  # noqa: PLC0415

        try:
            if kind == "gomod":
                return modfile.gomod_to_edit_json(
                    modfile.parse_gomod(data, filename, strict=not lax)
                )
            return modfile.gowork_to_edit_json(modfile.parse_gowork(data, filename))
        except ParseError as e:
            raise _with_hints(e, data) from None
    if kind in ("gosum", "gowork-sum"):
        from gomodcheck.gosum import gosum_to_json, parse_gosum  # noqa: PLC0415

        gosum = parse_gosum(data, filename)
        gosum.raise_if_malformed()
        return marshal_indent(gosum_to_json(gosum)) + "\n"
    from gomodcheck.vendor import parse_modules_txt, vendor_to_json  # noqa: PLC0415

    return marshal_indent(vendor_to_json(parse_modules_txt(data, filename))) + "\n"


def _with_hints(err: ParseError, data: bytes) -> ParseError:
    """The same problems, plus a hint where the go command's message leaves users guessing."""
    if data.startswith(b"\xef\xbb\xbf"):
        return _HintedParseError(
            err,
            "(the file starts with a UTF-8 byte order mark, which the "
            "go command rejects as well: save it without one)",
        )
    return err


class _HintedParseError(ParseError):
    def __init__(self, err: ParseError, hint: str) -> None:
        super().__init__(err.problems)
        self.hint = hint

    def diagnostics(self) -> str:
        return f"{self}\n{self.hint}"


@click.command(name="parse")
@click.argument("file", type=str)
@click.option(
    "--kind",
    type=click.Choice(KINDS),
    default=None,
    help="What the file is; by default taken from its name (go.mod, *.mod, go.work, "
    "go.sum, go.work.sum, modules.txt). Required when FILE is '-' (stdin).",
)
@click.option(
    "--lax",
    is_flag=True,
    help="Parse a go.mod as the go command parses a dependency's: directives other "
    "than module, go, require, retract and ignore are skipped unchecked.",
)
def command(file: str, kind: str | None, lax: bool) -> int:
    """Parse FILE and print it as JSON.

    go.mod and go.work print exactly as `go mod edit -json` and `go work edit -json` do.
    go.sum, go.work.sum and modules.txt print in gomodcheck's versioned JSON shape, with the
    problems found on each line. A malformed file prints one `file:line[:col]: message` line per
    problem to stderr and exits 2. go.mod and go.work files over 4 MiB, and other files over
    64 MiB, are refused (exit 2).
    """
    if file != "-" and Path(file).is_dir():
        raise InputError(f"{file}: is a directory; name the file in it (go.mod, go.sum, ...)")
    chosen = kind or (None if file == "-" else detect_kind(file))
    if chosen is None:
        raise UsageError(
            f"cannot tell what kind of file {file!r} is from its name; "
            f"pass --kind ({'|'.join(KINDS)})"
        )
    if lax and chosen != "gomod":
        raise UsageError("--lax applies to go.mod files only")
    data = read_input(file, MAX_MODFILE_BYTES if chosen in ("gomod", "gowork") else MAX_INPUT_BYTES)
    name = "<stdin>" if file == "-" else file
    out = render(chosen, data, name, lax=lax)
    sys.stdout.buffer.write(out.encode("utf-8", "surrogateescape"))
    sys.stdout.flush()
    return 0
