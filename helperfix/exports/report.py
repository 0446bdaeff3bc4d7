"""Render verdicts: checkpatch-shaped text (like ``check``), JSON rows,
SARIF and GitHub annotations through the lint emitters."""

from __future__ import annotations

import dataclasses
import json

from ..diagnostics import Diagnostic
from ..lint import exports as types
from ..lint.output import github, sarif
from .verdict import NAMESPACE, NOT_EXPORTED, OK, TRAP, Finding

_TYPE = {NOT_EXPORTED: types.UNEXPORTED, NAMESPACE: types.NAMESPACE, TRAP: types.TRAP}


def message(f: Finding, configs: list[str]) -> str:
    via = " -> ".join(f.chain)
    where = f" (declared at {f.file}:{f.line})" if f.file else ""
    tag = f" [{', '.join(configs)}]"
    if f.status == NOT_EXPORTED:
        home = f"; defined in {f.defined_in}" if f.defined_in else ""
        return (
            f"{f.helper} reaches {f.kind} {f.symbol}, which is not exported{home}: "
            f"a Rust module that inlines it fails modpost ({via}){where}{tag}"
        )
    if f.status == NAMESPACE:
        return (
            f"{f.helper} reaches {f.symbol}, exported in namespace {f.namespace}: "
            f"a Rust module that inlines it needs MODULE_IMPORT_NS({f.namespace}) ({via}){tag}"
        )
    return (
        f"{f.helper} reaches {f.symbol}, declared but defined nowhere: a link-error trap, "
        f"harmless only while the compiler removes the call ({via}){where}{tag}"
    )


def diagnostics(findings: list[Finding]) -> list[Diagnostic]:
    """Every verdict but ``ok``, as the diagnostics ``check`` emits; the same
    verdict under several configs is one diagnostic naming them all."""
    configs: dict[Finding, list[str]] = {}
    for f in findings:
        if f.status != OK:
            configs.setdefault(dataclasses.replace(f, config=""), []).append(f.config)
    return [
        Diagnostic(
            f.helper_file,
            f.helper_line,
            message(f, names),
            _TYPE[f.status].level,
            _TYPE[f.status].name,
            helper=f.helper,
        )
        for f, names in configs.items()
    ]


def summary(findings: list[Finding], helpers: dict[str, int], left_out: int) -> str:
    counts = {s: sum(f.status == s for f in findings) for s in (NOT_EXPORTED, NAMESPACE, TRAP, OK)}
    configs = ", ".join(f"{c}: {n} helpers" for c, n in helpers.items())
    return (
        f"total: {counts[NOT_EXPORTED]} not-exported, {counts[NAMESPACE]} namespace-import, "
        f"{counts[TRAP]} trap, {counts[OK]} ok ({configs}; "
        f"{left_out} compile-time-error traps left out)"
    )


def render(fmt: str, findings: list[Finding], helpers: dict[str, int], left_out: int) -> str:
    if fmt == "json":
        return json.dumps([f.row() for f in findings], indent=2) + "\n"
    diags = diagnostics(findings)
    if fmt == "sarif":
        return sarif(diags)
    if fmt == "github":
        return github(diags)
    lines = [f"{d.where}: {d.level}:{d.type}: {d.message}" for d in diags]
    lines.append(summary(findings, helpers, left_out))
    return "\n".join(lines) + "\n"
