"""Render verdicts: checkpatch-shaped text (like ``check``), JSON rows,
SARIF and GitHub annotations through the lint emitters.  Every message ends
with what fixes it; the summary counts what is shown (a verdict found under
several configs once) and says whether the verdicts are errors or
predictions, and why."""

from __future__ import annotations

import dataclasses
import json
from typing import TYPE_CHECKING

from ..diagnostics import ERROR, WARNING, Diagnostic
from ..findings import (
    HELPER_LINK_TRAP,
    HELPER_NAMESPACE_IMPORT,
    HELPER_STATIC_IN_INLINE,
    HELPER_UNEXPORTED_SYMBOL,
)
from ..lint.output import github, sarif
from .verdict import NAMESPACE, NOT_EXPORTED, OK, STATIC, STATUSES, TRAP, Verdict

if TYPE_CHECKING:
    from .analysis import Analysis

_TYPE = {
    NOT_EXPORTED: HELPER_UNEXPORTED_SYMBOL,
    NAMESPACE: HELPER_NAMESPACE_IMPORT,
    TRAP: HELPER_LINK_TRAP,
    STATIC: HELPER_STATIC_IN_INLINE,
}


def fix(f: Verdict) -> str:
    """What to do about a verdict, in one phrase."""
    if f.status == NOT_EXPORTED:
        return (
            f"fix: export {f.symbol} where it is defined (helperfix exports --fix writes "
            "the patch)"
        )
    if f.status == NAMESPACE:
        return f"fix: the Rust module imports the namespace (MODULE_IMPORT_NS({f.namespace}))"
    if f.status == STATIC and f.kind == "function":
        return f"fix: make {f.symbol} static inline"
    if f.status == STATIC:
        return f"fix: reach the static variable {f.symbol} through an exported function"
    return "nothing to do while the compiler removes the call"


def message(f: Verdict, configs: list[str], predict: bool) -> str:
    via = " -> ".join(f.chain)
    where = f" (declared at {f.file}:{f.line})" if f.file else ""
    tag = f" [{', '.join(configs)}]"
    fails = (
        "a Rust module calling it would fail modpost once helpers are inlined"
        if predict
        else "a Rust module that inlines it fails modpost"
    )
    if f.status == NOT_EXPORTED:
        home = f"; defined in {f.defined_in}" if f.defined_in else ""
        text = (
            f"{f.helper} reaches {f.kind} {f.symbol}, which is not exported{home}: "
            f"{fails} ({via}){where}"
        )
    elif f.status == NAMESPACE:
        text = (
            f"{f.helper} reaches {f.symbol}, exported in namespace {f.namespace}: "
            f"a Rust module that inlines it needs MODULE_IMPORT_NS({f.namespace}) ({via})"
        )
    elif f.status == STATIC:
        werror = "; with CONFIG_WERROR=y the build fails" if f.level == ERROR else ""
        when = "once __rust_helper makes it inline, " if predict else ""
        text = (
            f"{f.helper} uses the static {f.kind} {f.symbol}: {when}clang warns "
            f"-Wstatic-in-inline (an inline definition with external linkage){werror} "
            f"({via}){where}"
        )
    else:
        text = (
            f"{f.helper} reaches {f.symbol}, declared but defined nowhere: a link-error trap, "
            f"harmless only while the compiler removes the call ({via}){where}"
        )
    return f"{text}; {fix(f)}{tag}"


def merged(findings: list[Verdict]) -> dict[Verdict, list[str]]:
    """Each verdict once, with the configs it was found under."""
    configs: dict[Verdict, list[str]] = {}
    for f in findings:
        configs.setdefault(dataclasses.replace(f, config=""), []).append(f.config)
    return configs


def diagnostics(findings: list[Verdict], predict: bool = False) -> list[Diagnostic]:
    """Every verdict but ``ok``, as the diagnostics ``check`` emits; the same
    verdict under several configs is one diagnostic naming them all."""
    return [
        _TYPE[f.status](
            f.helper_file, f.helper_line, message(f, names, predict), helper=f.helper, level=f.level
        )
        for f, names in merged(findings).items()
        if f.status != OK
    ]


def summary(result: Analysis) -> str:
    shown = merged(result.findings)
    counts = {s: sum(f.status == s for f in shown) for s in STATUSES}
    configs = ", ".join(f"{c}: {n} helpers" for c, n in result.helpers.items())
    skipped = (
        f"; {result.not_inlined} helpers without __rust_helper are not inlined, not analysed"
        if result.not_inlined
        else ""
    )
    return (
        "total: " + ", ".join(f"{counts[s]} {s}" for s in STATUSES) + f" ({configs}; "
        f"{result.traps_left_out} compile-time-error traps left out{skipped})\n"
        f"{result.policy.why}"
    )


def failed(result: Analysis) -> bool:
    """Exit status 1: an ERROR or WARNING among the verdicts."""
    return any(f.level in (ERROR, WARNING) for f in result.findings)


def render(fmt: str, result: Analysis) -> str:
    if fmt == "json":
        rows = [{**f.row(), "fix": fix(f) if f.status != OK else None} for f in result.findings]
        return json.dumps(rows, indent=2) + "\n"
    diags = diagnostics(result.findings, result.policy.predict)
    if fmt == "sarif":
        return sarif(diags)
    if fmt == "github":
        return github(diags)
    lines = [f"{d.where}: {d.level}:{d.type}: {d.message}" for d in diags]
    lines.append(summary(result))
    return "\n".join(lines) + "\n"
