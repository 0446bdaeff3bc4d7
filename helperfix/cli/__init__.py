"""The command line: arguments in, each command's results rendered, one
exit status out (``helperfix.errors.Exit``).  One module per command
(``annotate``, ``check``, ``series``, ``inventory`` for list, ``exports``),
each with ``add_arguments`` and ``run``; only the chosen command's module is
imported, so that ``helperfix --version`` and ``--help`` load nothing else.
Nothing below this package parses arguments or prints a result.
"""

from __future__ import annotations

import argparse
import importlib
import os
import signal
import sys

from .. import __version__, signals
from ..diagnostics import emit
from ..errors import BROKEN_PIPE, Exit, UsageError, by_signal
from ..kernel.kconfig import old_layout
from ..kernel.paths import HELPERS
from ..tree import ScopeError, TreeError, find_root

# name: (help, module)
_COMMANDS = {
    "annotate": ("add __rust_helper to every helper definition", "annotate"),
    "check": ("lint gate: report what is not migrated (tree or patch)", "check"),
    "series": ("the migration as a mailing-list patch series (git tree)", "series"),
    "list": ("inventory of helper definitions", "inventory"),
    "exports": ("predict the build failures of inlined helpers (configured tree)", "exports"),
}
DESCRIPTION = (
    "Annotate the Linux kernel's Rust C helpers (rust/helpers/*.c) with __rust_helper, "
    "gate trees and patches on it, send the migration as a series, and predict the "
    "build failures that inlining helpers causes."
)


def _parser(
    wanted: str | None = None,
) -> tuple[argparse.ArgumentParser, dict[str, argparse.ArgumentParser]]:
    """The parser.  Only the subcommand ``wanted`` (all, when None) gets its
    options: some of them are built from registries whose import loads
    libclang, which ``helperfix --version`` and ``--help`` never need."""
    p = argparse.ArgumentParser(prog="helperfix", description=DESCRIPTION)
    p.add_argument("--version", action="version", version=f"helperfix {__version__}")
    sub = p.add_subparsers(dest="command", required=True, metavar="COMMAND")
    subs = {}
    for name, (help_text, module) in _COMMANDS.items():
        subs[name] = sub.add_parser(name, help=help_text, description=help_text)
        if wanted in (None, name):
            _module(module).add_arguments(subs[name])
    return p, subs


def parse(argv: list[str] | None) -> argparse.Namespace:
    """The arguments; an unknown option is reported with its subcommand's usage."""
    words = sys.argv[1:] if argv is None else argv
    wanted = next((w for w in words if w in _COMMANDS), "")
    p, subs = _parser(wanted)
    args, extra = p.parse_known_args(argv)
    if extra:
        subs[args.command].error(f"unrecognized arguments: {' '.join(extra)}")
    return args


def _module(name: str):
    return importlib.import_module(f"{__name__}.{name}")


def resolve(args: argparse.Namespace) -> tuple[str, list[str]]:
    paths = args.paths
    if args.root:
        root = os.path.abspath(args.root)
        if not os.path.isdir(root):
            raise TreeError(f"{args.root}: not a directory")
        if old_layout(root):
            raise TreeError(old_layout(root))
    else:
        root = find_root(paths[0] if paths else os.getcwd())
    if not paths:
        paths = [os.path.join(root, HELPERS)]
    return root, paths


def main(argv: list[str] | None = None) -> int:
    signals.install()
    args = parse(argv)
    try:
        return _module(_COMMANDS[args.command][1]).run(args)
    except UsageError as e:
        print(f"helperfix: error: {e}", file=sys.stderr)
        return Exit.ERROR
    except ScopeError as e:
        emit(e.diagnostics)
        return Exit.ERROR
    except signals.Interrupted as e:
        print(f"helperfix: interrupted ({e}); nothing changed", file=sys.stderr)
        return e.status
    except KeyboardInterrupt:  # a second signal
        print("helperfix: interrupted", file=sys.stderr)
        return by_signal(signals.pending() or signal.SIGINT)
    except BrokenPipeError:  # `helperfix annotate --diff | head`: stop quietly, like git
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return BROKEN_PIPE
    except Exception as e:  # never a traceback for users; HELPERFIX_DEBUG=1 shows it
        if os.environ.get("HELPERFIX_DEBUG"):
            raise
        print(
            f"helperfix: internal error: {type(e).__name__}: {e} (please report)", file=sys.stderr
        )
        return Exit.ERROR
