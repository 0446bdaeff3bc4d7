"""Render findings: checkpatch-style text, JSON, SARIF 2.1.0, GitHub annotations."""

from __future__ import annotations

from collections.abc import Iterable

from .. import __version__
from ..diagnostics import CHECK, ERROR, WARNING, Diagnostic
from . import types

SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
_SARIF_LEVEL = {ERROR: "error", WARNING: "warning", CHECK: "note"}
_GITHUB_LEVEL = {ERROR: "error", WARNING: "warning", CHECK: "notice"}


def _from(f: Diagnostic) -> str:
    return f" (from '{f.origin}')" if f.origin else ""


def text(findings: list[Diagnostic], lines: int, note: str = "", summary: bool = True) -> str:
    """One line per finding, then checkpatch's total line (``summary``)."""
    out = [f"{f.where}: {f.level}:{f.type}: {f.message}{_from(f)}" for f in findings]
    errors = sum(f.level == ERROR for f in findings)
    warnings = sum(f.level == WARNING for f in findings)
    if summary:
        out.append(f"total: {errors} errors, {warnings} warnings, {lines} lines checked{note}")
    return "".join(line + "\n" for line in out)


def as_json(findings: list[Diagnostic]) -> str:
    rows = [
        {
            "path": f.path,
            "line": f.line,
            "column": f.column,
            "level": f.level,
            "type": f.type,
            "helper": f.helper,
            "message": f.message,
            "origin": f.origin or None,
        }
        for f in findings
    ]
    import json  # only --format json and sarif need it (start-up time)

    return json.dumps(rows, indent=2) + "\n"


def _result(f: Diagnostic) -> dict:
    location: dict = {"artifactLocation": {"uri": f.path, "uriBaseId": "SRCROOT"}}
    if f.line:
        region = {"startLine": f.line}
        if f.column:
            region["startColumn"] = f.column
        location["region"] = region
    return {
        "ruleId": f.type,
        "level": _SARIF_LEVEL[f.level],
        "message": {"text": f.message + _from(f)},
        "locations": [{"physicalLocation": location}],
    }


def sarif(findings: list[Diagnostic]) -> str:
    used = sorted({f.type for f in findings})
    known = types()
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
                            {"id": t, "shortDescription": {"text": known[t].description}}
                            for t in used
                        ],
                    }
                },
                "results": [_result(f) for f in findings],
            }
        ],
    }
    import json

    return json.dumps(doc, indent=2) + "\n"


def _escape(s: str, prop: bool = False) -> str:
    s = s.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
    return s.replace(":", "%3A").replace(",", "%2C") if prop else s


def github(findings: Iterable[Diagnostic]) -> str:
    lines = []
    for f in findings:
        props = [f"file={_escape(f.path, True)}"]
        if f.line:
            props.append(f"line={f.line}")
        if f.column:
            props.append(f"col={f.column}")
        props.append(f"title={_escape(f.type, True)}")
        message = _escape(f.message + _from(f))
        lines.append(f"::{_GITHUB_LEVEL[f.level]} {','.join(props)}::{message}")
    return "".join(line + "\n" for line in lines)


def render(
    fmt: str, findings: list[Diagnostic], lines: int, note: str = "", summary: bool = True
) -> str:
    if fmt == "json":
        return as_json(findings)
    if fmt == "sarif":
        return sarif(findings)
    if fmt == "github":
        return github(findings)
    return text(findings, lines, note, summary)


def list_types() -> str:
    """Every type with its level and description, like checkpatch's --list-types."""
    rows = types().values()
    width = max(len(t.name) for t in rows)
    return "".join(f"{t.name:<{width}}  {t.level:<7}  {t.description}\n" for t in rows)
