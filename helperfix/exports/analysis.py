"""The analysis: every helper's verdicts, for each configuration asked for."""

from __future__ import annotations

import os
import re
import shutil
from collections.abc import Callable
from dataclasses import dataclass, field

from .. import signals
from ..kernel.kconfig import inlines_helpers, old_layout
from ..kernel.paths import HELPERS, HELPERS_C
from . import flags, reach, symbols, unit
from .build import Build, BuildError, cached, configured, is_target, label, locked, user_command
from .flags import FlagsError
from .toolchain import Toolchain, ToolchainError, choose
from .unit import UnitError
from .verdict import STATIC, Exports, Policy, Verdict, judge, statics


@dataclass(frozen=True)
class ExportsOptions:
    build_dir: str | None = None
    compile_commands: str | None = None
    symvers: str | None = None
    configs: tuple[str, ...] = ()  # default: defconfig
    jobs: int = 1
    llvm: str | None = None  # Kbuild's LLVM= (default: the environment's)
    arch: str | None = None  # Kbuild's ARCH= (default: the environment's)
    assume_inline: bool = False  # judge as if the tree inlined helpers


class ExportsError(Exception):
    """Why the analysis could not run (exit status 2)."""


@dataclass
class Analysis:
    policy: Policy
    findings: list[Verdict] = field(default_factory=list)
    helpers: dict[str, int] = field(default_factory=dict)  # helpers analysed, per config
    traps_left_out: int = 0  # compile-time-error traps: never linked
    not_inlined: int = 0  # helpers without __rust_helper on an inlining tree


def policy_for(root: str, assume_inline: bool) -> Policy:
    """Whether verdicts are errors or predictions here, and why."""
    inlining = inlines_helpers(root)
    if assume_inline and inlining is not True:
        why = "--assume-inline: judged as on a tree that inlines helpers"
    elif inlining:
        why = "the tree's Kconfig has RUST_INLINE_HELPERS: helpers marked __rust_helper are inlined"
    elif inlining is None:
        why = "no Kconfig in this tree to tell; judged as on a tree that inlines helpers"
    else:
        why = (
            "predictions: the tree's Kconfig has no RUST_INLINE_HELPERS, so helpers are not "
            "inlined and nothing fails yet; these would fail once they are (--assume-inline "
            "gates on them)"
        )
    return Policy(inlining, assume_inline, why)


def analyse(root: str, options: ExportsOptions, say: Callable[[str], None]) -> Analysis:
    """Every (helper, symbol) verdict, for each config asked for."""
    try:
        symvers = symbols.from_symvers(options.symvers) if options.symvers else None
        result = Analysis(policy_for(root, options.assume_inline))
        annotated = _annotated(root) if result.policy.inlining else None
        tables: dict[str, dict[str, symbols.Export]] = {}

        def table(arch: str) -> dict[str, symbols.Export]:
            if symvers is not None:
                return symvers
            if arch not in tables:
                _say_grep(root, say)
                tables[arch] = symbols.from_tree(root, arch)
            return tables[arch]

        for config, command, build in _units(root, options, say):
            signals.checkpoint()
            confirm = None if symvers is not None else _confirmer(command, build, say)
            analyse_unit(root, config, command, build, table, result, say, annotated, confirm)
        return result
    except (BuildError, FlagsError, UnitError, ToolchainError, ValueError) as e:
        raise ExportsError(str(e)) from e  # ValueError: a Module.symvers that is not one
    except OSError as e:
        raise ExportsError(f"{getattr(e, 'filename', None) or root}: {e.strerror or e}") from e


def _confirmer(command: flags.Command, build: Build | None, say) -> flags.Command | None:
    """The command that preprocesses defining files to confirm names grep did
    not credit; None (said once) when its compiler cannot run here."""
    if build is not None and build.ours:
        return command
    exe = command.executable
    if shutil.which(exe) or os.access(os.path.join(command.directory, exe), os.X_OK):
        return command
    say(
        f"{exe} (the compiler of {command.origin}) is not on PATH: names that grep does not "
        "credit are reported without being confirmed in their preprocessed files"
    )
    return None


def _annotated(root: str) -> set[str]:
    """Helpers marked __rust_helper: on an inlining tree, the only ones inlined."""
    from ..batch import scan_paths
    from ..tree import helper_files

    files, _ = helper_files([os.path.join(root, HELPERS)], root)
    return {
        d.name
        for item in scan_paths(files)
        if item.scan
        for d in item.scan.definitions
        if d.annotated
    }


def analyse_unit(
    root: str,
    config: str,
    command: flags.Command,
    build: Build | None,
    table: Callable[[str], dict[str, symbols.Export]],
    result: Analysis,
    say: Callable[[str], None],
    annotated: set[str] | None = None,
    confirm: flags.Command | None = None,
) -> None:
    """One parsed unit's verdicts into ``result``.  The helpers are the
    functions defined beside ``command.source`` (those in ``annotated`` only,
    when given); ``confirm`` preprocesses defining files to confirm names
    grep did not credit."""
    shown = os.path.relpath(command.source, root)
    say(f"parsing {command.source if shown.startswith('..') else shown} ({config})")
    tu = unit.parse(command, say)
    signals.checkpoint()
    walker = reach.Walker(tu, reach.own_files(os.path.dirname(command.source)))
    helpers = list(walker.helpers())
    if annotated is not None:
        kept = [h for h in helpers if h.spelling in annotated]
        result.not_inlined = max(result.not_inlined, len(helpers) - len(kept))
        helpers = kept
    reaches = [r for h in helpers for r in walker.reach(h)]
    static = [r for h in helpers for r in walker.statics(h)]
    result.helpers[config] = len(helpers)
    result.traps_left_out += sum(r.symbol.trap for r in reaches)
    reaches = [r for r in reaches if not r.symbol.trap]
    arch = _arch(command)
    exports = Exports(table(arch), root, arch, build, confirm, say)
    signals.checkpoint()
    policy = result.policy
    result.findings += judge(reaches, exports, config, policy, command.werror)
    result.findings += statics(static, root, config, policy.level(STATIC, command.werror))
    signals.checkpoint()


def _units(root: str, options: ExportsOptions, say: Callable[[str], None]):
    """(config label, helpers.o's command, the build) for each unit to
    analyse; helperfix's own builds stay locked while they are analysed."""
    if options.configs and (options.build_dir or options.compile_commands):
        raise ExportsError("--config configures helperfix's own build: not with --build-dir")
    if old_layout(root):
        raise ExportsError(old_layout(root))
    if options.compile_commands:
        command = flags.from_compile_commands(options.compile_commands, root)
        build = None
        if options.build_dir:
            build = Build(root, os.path.abspath(options.build_dir), Toolchain(""), ours=False)
        yield "compile_commands", command, build
        return
    if options.build_dir:
        command, build = user_command(root, options.build_dir, options.llvm, options.arch, say)
        yield "build-dir", command, build
        return
    _older_tree(root)
    chain = choose(options.llvm, options.arch, say)
    for config in options.configs or ("defconfig",):
        config = config if is_target(config) else os.path.abspath(config)
        build = cached(root, config, chain)
        with locked(build.dir, say):
            configured(build, config, options.jobs, say)
            yield label(config), flags.from_cmd_file(build.dir), build


def _older_tree(root: str) -> None:
    if not os.path.isfile(os.path.join(root, HELPERS_C)):
        raise ExportsError(
            f"{root}: no {HELPERS_C} (the helpers moved there in 6.11; "
            "older trees keep them in rust/helpers.c, which helperfix does not analyse)"
        )


def _arch(command: flags.Command) -> str:
    for a in command.args:
        m = re.search(r"/arch/([^/]+)/include$", a)
        if m:
            return m[1]
    return ""


def _say_grep(root: str, say: Callable[[str], None]) -> None:
    if symbols.in_git(root):
        say("collecting export sites (git grep EXPORT_)")
    else:
        say("collecting export sites with grep -r (not a git checkout: slower)")
