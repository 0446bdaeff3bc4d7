"""``helperfix exports``: predict the modpost failures that inlining the
helpers causes, before anything is built.

Stages: a configured build gives the helpers' exact compile command
(``build``, ``flags``); libclang parses the unit (``unit``); the reach
analysis walks every helper's body (``reach``); the export table
(``symbols``) turns each reached symbol into a verdict (``verdict``);
``report`` renders them.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable
from dataclasses import dataclass, field

from .. import signals
from . import flags, reach, symbols, unit
from .build import KCFLAGS, Build, BuildError, configured, is_target, label, make
from .flags import FlagsError
from .unit import UnitError
from .verdict import Exports, Finding, judge


@dataclass(frozen=True)
class Options:
    build_dir: str | None = None
    compile_commands: str | None = None
    symvers: str | None = None
    configs: tuple[str, ...] = ()  # default: defconfig
    jobs: int = 1


class ExportsError(Exception):
    """Why the analysis could not run (exit status 2)."""


@dataclass
class Result:
    findings: list[Finding] = field(default_factory=list)
    helpers: dict[str, int] = field(default_factory=dict)  # helpers analysed, per config
    traps_left_out: int = 0  # compile-time-error traps: never linked


def analyse(root: str, options: Options, say: Callable[[str], None]) -> Result:
    """Every (helper, symbol) verdict, for each config asked for."""
    try:
        units = _units(root, options, say)
        result = Result()
        tables: dict[str, dict[str, symbols.Export]] = {}

        def table(arch: str) -> dict[str, symbols.Export]:
            if arch not in tables:
                tables[arch] = _table(root, options, arch, say)
            return tables[arch]

        if not options.symvers and any(build is None for _, _, build in units):
            say(
                "no build folder: names that grep does not credit are reported without "
                "being confirmed in their preprocessed files (give --build-dir to confirm)"
            )
        for config, command, build in units:
            signals.checkpoint()
            build = None if options.symvers else build
            analyse_unit(root, config, command, build, table, result, say)
        return result
    except (BuildError, FlagsError, UnitError) as e:
        raise ExportsError(str(e)) from e
    except OSError as e:
        raise ExportsError(f"{getattr(e, 'filename', None) or root}: {e.strerror or e}") from e


def analyse_unit(
    root: str,
    config: str,
    command: flags.Command,
    build: Build | None,
    table: Callable[[str], dict[str, symbols.Export]],
    result: Result,
    say: Callable[[str], None],
) -> None:
    """One parsed unit's verdicts into ``result``.  The helpers are the
    functions defined beside ``command.source``; ``build`` (when given)
    preprocesses defining files to confirm names grep did not credit."""
    shown = os.path.relpath(command.source, root)
    say(f"parsing {command.source if shown.startswith('..') else shown} ({config})")
    tu = unit.parse(command, say)
    signals.checkpoint()
    walker = reach.Walker(tu, reach.own_files(os.path.dirname(command.source)))
    helpers = list(walker.helpers())
    reaches = [r for h in helpers for r in walker.reach(h)]
    result.helpers[config] = len(helpers)
    result.traps_left_out += sum(r.symbol.trap for r in reaches)
    reaches = [r for r in reaches if not r.symbol.trap]
    arch = _arch(command)
    exports = Exports(table(arch), root, arch, build, say)
    signals.checkpoint()
    result.findings += judge(reaches, exports, config)
    signals.checkpoint()


def _units(
    root: str, options: Options, say: Callable[[str], None]
) -> list[tuple[str, flags.Command, Build | None]]:
    if options.configs and (options.build_dir or options.compile_commands):
        raise ExportsError("--config configures helperfix's own build: not with --build-dir")
    if options.compile_commands:
        command = flags.from_compile_commands(options.compile_commands, root)
        build = Build(root, os.path.abspath(options.build_dir)) if options.build_dir else None
        return [("compile_commands", command, build)]
    if options.build_dir:
        out = os.path.abspath(options.build_dir)
        if not os.path.exists(os.path.join(out, "rust/helpers/.helpers.o.cmd")):
            if not os.path.exists(os.path.join(out, ".config")):
                raise ExportsError(f"{options.build_dir}: not a configured build (no .config)")
            say(f"building {flags.HELPERS_O} in {options.build_dir} for its flags")
            make(root, out, [KCFLAGS, flags.HELPERS_O], options.jobs)
        return [("build-dir", flags.from_cmd_file(out), Build(root, out))]
    units = []
    for config in options.configs or ("defconfig",):
        config = config if is_target(config) else os.path.abspath(config)
        build = configured(root, config, options.jobs, say)
        units.append((label(config), flags.from_cmd_file(build.dir), build))
    return units


def _arch(command: flags.Command) -> str:
    for a in command.args:
        m = re.search(r"/arch/([^/]+)/include$", a)
        if m:
            return m[1]
    return ""


def _table(root: str, options: Options, arch: str, say: Callable[[str], None]) -> dict:
    if options.symvers:
        try:
            return symbols.from_symvers(options.symvers)
        except ValueError as e:
            raise ExportsError(str(e)) from e
    if symbols.in_git(root):
        say("collecting export sites (git grep EXPORT_)")
    else:
        say("collecting export sites with grep -r (not a git checkout: slower)")
    return symbols.from_tree(root, arch)
