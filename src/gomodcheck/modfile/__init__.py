"""go.mod and go.work files: syntax, meaning, and the go command's JSON view of them.

A Python counterpart of golang.org/x/mod/modfile (parsing only, no editing). Pure: no I/O.
Errors are collected as the go command collects them and raised together as one ParseError.
"""

from __future__ import annotations

from gomodcheck.modfile.directives import (
    GO_VERSION_RE,
    TOOLCHAIN_RE,
    Go,
    Godebug,
    Replace,
    Toolchain,
    is_directory_path,
)
from gomodcheck.modfile.editjson import (
    gomod_to_edit_dict,
    gomod_to_edit_json,
    gowork_to_edit_dict,
    gowork_to_edit_json,
)
from gomodcheck.modfile.rule import (
    Exclude,
    GoModFile,
    Ignore,
    Module,
    Require,
    Retract,
    Tool,
    module_path,
    parse_gomod,
)
from gomodcheck.modfile.syntax import FileSyntax, Position
from gomodcheck.modfile.work import GoWorkFile, Use, parse_gowork

__all__ = [
    "GO_VERSION_RE",
    "TOOLCHAIN_RE",
    "Exclude",
    "FileSyntax",
    "Go",
    "GoModFile",
    "GoWorkFile",
    "Godebug",
    "Ignore",
    "Module",
    "Position",
    "Replace",
    "Require",
    "Retract",
    "Tool",
    "Toolchain",
    "Use",
    "gomod_to_edit_dict",
    "gomod_to_edit_json",
    "gowork_to_edit_dict",
    "gowork_to_edit_json",
    "is_directory_path",
    "module_path",
    "parse_gomod",
    "parse_gowork",
]
