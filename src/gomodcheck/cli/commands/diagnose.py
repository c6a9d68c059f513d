"""`gomodcheck diagnose`: explain a failing CI log (or a command's output) and print the fix."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from gomodcheck.cli.common import emit, fail_on_option, format_option
from gomodcheck.errors import InputError


@click.command(name="diagnose", context_settings={"ignore_unknown_options": True})
@click.argument("args", nargs=-1, type=click.UNPROCESSED)
@click.option(
    "--dir",
    "directory",
    type=click.Path(file_okay=False, path_type=Path),
    default=".",
    show_default=True,
    help="The checked-out repository, for offline confirmation.",
)
@click.option(
    "--online",
    is_flag=True,
    help="Also consult proxy.golang.org and the verified checksum database.",
)
@click.option(
    "--run",
    "run",
    is_flag=True,
    help="Run the command after --, stream its output to stderr, then diagnose it.",
)
@format_option
@fail_on_option
def command(
    *,
    args: tuple[str, ...],
    directory: Path,
    online: bool,
    run: bool,
    output_format: str,
    fail_on: str,
) -> int:
    """Explain a failing log: LOGFILE, or - / nothing for stdin.

    \b
    gomodcheck diagnose build.log
    kubectl logs job/build | gomodcheck diagnose - --format github
    gomodcheck diagnose --run -- go build ./...

    Exit 1 when a module failure was diagnosed (or the --run command failed), 0 when the log
    holds none, 2 for unreadable input, 3 when a check could not complete.
    """
    from gomodcheck.diagnose import diagnose  # noqa: PLC0415

    root = directory if directory.is_dir() else None
    if run:
        from gomodcheck.diagnose.run import Tee, start  # noqa: PLC0415

        proc = start(args)
        assert proc.stdout is not None
        report = diagnose(
            Tee(proc.stdout.fileno(), sys.stderr.buffer),
            log_name="",
            directory=root,
            online=online,
        )
        report.inputs.append(" ".join(args))
        status = proc.wait()
        code = emit(report, output_format, fail_on)
        if code == 0 and status != 0:
            click.echo(
                f"gomodcheck: the command exited {status}; no module failure in its output",
                err=True,
            )
            return 1
        return code
    if len(args) > 1:
        raise click.UsageError("diagnose takes one LOGFILE (or use --run -- CMD ...)")
    name = args[0] if args else "-"
    if name == "-":
        report = diagnose(sys.stdin.buffer, log_name="-", directory=root, online=online)
    else:
        try:
            with Path(name).open("rb") as handle:
                report = diagnose(handle, log_name=name, directory=root, online=online)
        except OSError as exc:
            raise InputError(f"{name}: {exc.strerror}") from None
    return emit(report, output_format, fail_on)
