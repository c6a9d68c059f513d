"""`gomodcheck hash`: print the h1: hash of a module zip, an extracted module or a go.mod file."""

from __future__ import annotations

import zipfile
from pathlib import Path

import click

from gomodcheck.errors import InputError, UsageError

MAX_GOMOD_BYTES = 16 << 20  # the module zip limit for go.mod; larger is not a go.mod


def _parse_module(spec: str) -> str:
    from gomodcheck.module import canonical_version, check  # noqa: PLC0415

    path, at, version = spec.rpartition("@")
    if not at or not path or not version:
        raise UsageError(f"--module {spec}: want PATH@VERSION, e.g. golang.org/x/text@v0.14.0")
    try:
        check(path, version)
    except ValueError as exc:
        raise UsageError(f"--module {spec}: {exc}") from exc
    if canonical_version(version) != version:
        raise UsageError(
            f"--module {spec}: version {version} is not canonical "
            f"(should be {canonical_version(version)})"
        )
    return f"{path}@{version}"


def _infer_prefix(directory: Path) -> str:
    """The module@version of a directory inside a module cache, named `.../path@version`."""
    from gomodcheck.goenv import GoEnv  # noqa: PLC0415
    from gomodcheck.modcache import module_from_extracted_dir  # noqa: PLC0415

    root = GoEnv.from_environ().get("GOMODCACHE")
    mv = module_from_extracted_dir(directory, Path(root)) if root else None
    if mv is None:
        mv = module_from_extracted_dir(directory)
    if mv is None:
        raise UsageError(
            f"{directory}: cannot tell which module this directory holds; "
            "pass --module PATH@VERSION (file names are hashed as PATH@VERSION/relpath)"
        )
    return str(mv)


def _hash_gomod(file: str) -> str:
    from gomodcheck.dirhash import hash_gomod  # noqa: PLC0415

    try:
        with Path(file).open("rb") as handle:
            data = handle.read(MAX_GOMOD_BYTES + 1)
    except IsADirectoryError as exc:
        raise InputError(f"{file}: is a directory, not a go.mod file") from exc
    except OSError as exc:
        raise InputError(f"{file}: cannot read: {exc.strerror or exc}") from exc
    if len(data) > MAX_GOMOD_BYTES:
        raise InputError(f"{file}: larger than {MAX_GOMOD_BYTES} bytes; not a go.mod file")
    return hash_gomod(data)


@click.command(name="hash")
@click.argument("path", required=False, type=click.Path(exists=False))
@click.option(
    "--module",
    "module_spec",
    metavar="PATH@VERSION",
    help="Module of a directory: names are hashed as PATH@VERSION/relpath.",
)
@click.option(
    "--gomod",
    "gomod_file",
    metavar="FILE",
    help="Print the go.sum hash of this go.mod file (the '/go.mod' line).",
)
def command(path: str | None, module_spec: str | None, gomod_file: str | None) -> int:
    """Print the h1: hash that go.sum records for a module zip, a directory or a go.mod.

    \b
    gomodcheck hash module.zip                    a module zip, as downloaded
    gomodcheck hash DIR --module PATH@VERSION     an extracted module directory
    gomodcheck hash $GOMODCACHE/PATH@VERSION      the same, module taken from the path
    gomodcheck hash --gomod go.mod                a go.mod file
    """
    if gomod_file is not None:
        if path is not None or module_spec is not None:
            raise UsageError("--gomod FILE takes no PATH and no --module")
        click.echo(_hash_gomod(gomod_file))
        return 0
    if path is None:
        raise UsageError("give a module zip or directory (PATH), or --gomod FILE")

    from gomodcheck import dirhash  # noqa: PLC0415

    target = Path(path)
    if target.is_dir():
        prefix = _parse_module(module_spec) if module_spec else _infer_prefix(target)
        click.echo(dirhash.hash_dir(target, prefix))
        return 0
    if not target.exists():
        raise InputError(f"{path}: no such file or directory")
    if module_spec is not None:
        # A zip's names already carry the module@version/ prefix; say so rather than ignore it.
        raise UsageError(
            "--module applies to a directory; a zip's names already carry PATH@VERSION/"
        )
    if target.suffix == ".mod" and not zipfile.is_zipfile(target):
        raise UsageError(f"{path} looks like a go.mod file: use --gomod {path}")
    click.echo(dirhash.hash_zip(target))
    return 0
