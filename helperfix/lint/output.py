"""Render findings: checkpatch-style text, JSON, SARIF 2.1.0, GitHub annotations."""

from __future__ import annotations

import json
from collections.abc import Iterable

from .. import __version__
from . import CHECK, ERROR, WARNING, Finding

SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
_SARIF_LEVEL = {ERROR: "error", WARNING: "warning", CHECK: "note"}
_GITHUB_LEVEL = {ERROR: "error", WARNING: "warning", CHECK: "notice"}
DESCRIPTIONS = {
    "MISSING_RUST_HELPER": "Helper definition without __rust_helper",
    "OBSOLETE_RUST_HELPER_FALLBACK": "Obsolete #ifndef __rust_helper fallback",
    "STRAY_RUST_HELPER_DEFINE": "__rust_helper defined outside helpers.c",
    "MISSING_BINDGEN_BLOCK": "helpers.c lacks the __BINDGEN__ block",
    "DUPLICATE_BINDGEN_BLOCK": "helpers.c has the __BINDGEN__ block twice",
    "ATOMIC_CHECKSUM": "atomic.c's trailing sha1 line is wrong",
    "ATOMIC_OUT_OF_DATE": "atomic.c differs from its generator's output",
    "ATOMIC_GENERATOR_MISSING": "atomic.c is generated but its generator is missing",
    "ATOMIC_GENERATOR_FAILED": "the atomic helper generator failed",
    "HELPER_NOT_INCLUDED": "Helper file never included from helpers.c",
    "INCLUDE_MISSING_FILE": "helpers.c includes a file that does not exist",
    "INCLUDE_ORDER": "helpers.c includes out of alphabetical order",
    "PARSE_ERROR": "File cannot be read as C",
}


def _where(f: Finding) -> str:
    return f"{f.path}:{f.line}" if f.line else f.path


def text(findings: list[Finding], lines: int) -> str:
    out = [f"{_where(f)}: {f.level}:{f.type}: {f.message}" for f in findings]
    errors = sum(f.level == ERROR for f in findings)
    warnings = sum(f.level == WARNING for f in findings)
    out.append(f"total: {errors} errors, {warnings} warnings, {lines} lines checked")
    return "\n".join(out) + "\n"


def as_json(findings: list[Finding]) -> str:
    rows = [
        {
            "path": f.path,
            "line": f.line,
            "column": f.column,
            "level": f.level,
            "type": f.type,
            "helper": f.helper,
            "message": f.message,
        }
        for f in findings
    ]
    return json.dumps(rows, indent=2) + "\n"


def _result(f: Finding) -> dict:
    location: dict = {"artifactLocation": {"uri": f.path, "uriBaseId": "SRCROOT"}}
    if f.line:
        region = {"startLine": f.line}
        if f.column:
            region["startColumn"] = f.column
        location["region"] = region
    return {
        "ruleId": f.type,
        "level": _SARIF_LEVEL[f.level],
        "message": {"text": f.message},
        "locations": [{"physicalLocation": location}],
    }


def sarif(findings: list[Finding]) -> str:
    used = sorted({f.type for f in findings})
    doc = {
        "$schema": SARIF_SCHEMA,
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "helperfix",
                        "version": __version__,
                        "rules": [
                            {"id": t, "shortDescription": {"text": DESCRIPTIONS.get(t, t)}}
                            for t in used
                        ],
                    }
                },
                "results": [_result(f) for f in findings],
            }
        ],
    }
    return json.dumps(doc, indent=2) + "\n"


def _escape(s: str, prop: bool = False) -> str:
    s = s.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
    return s.replace(":", "%3A").replace(",", "%2C") if prop else s


def github(findings: Iterable[Finding]) -> str:
    lines = []
    for f in findings:
        props = [f"file={_escape(f.path, True)}"]
        if f.line:
            props.append(f"line={f.line}")
        if f.column:
            props.append(f"col={f.column}")
        props.append(f"title={_escape(f.type, True)}")
        lines.append(f"::{_GITHUB_LEVEL[f.level]} {','.join(props)}::{_escape(f.message)}")
    return "".join(line + "\n" for line in lines)


def render(fmt: str, findings: list[Finding], lines: int) -> str:
    if fmt == "json":
        return as_json(findings)
    if fmt == "sarif":
        return sarif(findings)
    if fmt == "github":
        return github(findings)
    return text(findings, lines)
