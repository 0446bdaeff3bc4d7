"""check's per-file cache: a warm run says exactly what a cold one says, and
never what a file no longer holds."""

from __future__ import annotations

import os

import pytest
from conftest import CORPUS, copy_tree, make_tree, needs_corpus, run

from helperfix.lint import cache


def _check(root, *args, env=None):
    r = run("check", *args, str(root / "rust/helpers"), env=env)
    return r.returncode, r.stdout


def _cache_files(path):
    return sorted(p.name for p in path.glob("check-*.marshal")) if path.exists() else []


@needs_corpus
@pytest.mark.parametrize("fmt", ["text", "json", "sarif", "github"])
def test_warm_runs_say_what_cold_runs_say(tmp_path, fmt):
    root = copy_tree(CORPUS, tmp_path / "tree")
    env = {"HELPERFIX_CACHE_DIR": str(tmp_path / "cache")}
    cold = _check(root, "--format", fmt, "--no-cache", env=env)
    assert _cache_files(tmp_path / "cache") == []  # --no-cache writes nothing
    first = _check(root, "--format", fmt, env=env)
    assert len(_cache_files(tmp_path / "cache")) == 1
    warm = _check(root, "--format", fmt, env=env)
    assert cold == first == warm
    assert cold[0] == 1


def test_a_changed_file_is_judged_on_what_it_holds(tmp_path):
    root = make_tree(
        tmp_path / "tree",
        {
            "rust/helpers/helpers.c": '#include "a.c"\n#include "b.c"\n',
            "rust/helpers/a.c": "void a(void)\n{\n}\n",
            "rust/helpers/b.c": "void b(void)\n{\n}\n",
        },
    )
    env = {"HELPERFIX_CACHE_DIR": str(tmp_path / "cache")}
    before = _check(root, "--types", "MISSING_RUST_HELPER", env=env)[1].decode()
    assert "'a'" in before and "'b'" in before
    a = root / "rust/helpers/a.c"
    stat = a.stat()
    a.write_text("void x(void)\n{\n}\n")  # same size, same mtime: only the bytes differ
    os.utime(a, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    after = _check(root, "--types", "MISSING_RUST_HELPER", env=env)[1].decode()
    assert "'x'" in after and "'a'" not in after and "'b'" in after
    # a file that stops parsing is an input error at once, cache or not
    a.write_text("void a(void)\n{\n/* open\n")
    code, out = _check(root, env=env)
    assert code == 2 and b"PARSE_ERROR" in out
    assert _check(root, env=env)[0] == 2


def test_a_damaged_cache_is_only_slower(tmp_path):
    root = make_tree(
        tmp_path / "tree",
        {"rust/helpers/helpers.c": '#include "a.c"\n', "rust/helpers/a.c": "void a(void)\n{\n}\n"},
    )
    env = {"HELPERFIX_CACHE_DIR": str(tmp_path / "cache")}
    expected = _check(root, env=env)
    (name,) = _cache_files(tmp_path / "cache")
    for junk in (b"", b"\x00garbage", b"\xfa\x01\x00\x00\x00"):
        (tmp_path / "cache" / name).write_bytes(junk)
        assert _check(root, env=env) == expected
    # entries of the wrong shape, or naming a type that no longer exists
    import marshal

    key = cache.digest("rust/helpers/a.c", b"void a(void)\n{\n}\n")
    for bad in ((key, (1,)), (), (key,), 7, (key, (1, [("p", 1, "m", "FALLBACK", 0)], 1, 1, 1, 1))):
        (tmp_path / "cache" / name).write_bytes(marshal.dumps({"rust/helpers/a.c": bad}))
        assert _check(root, env=env) == expected
    entries = marshal.loads((tmp_path / "cache" / name).read_bytes())
    digest, (lines, found, *rest) = entries["rust/helpers/a.c"]
    assert found  # a.c's MISSING_RUST_HELPER, for the entries below to break
    for broken in (
        [(f[0], f[1], f[2], "NO_SUCH_TYPE", *f[4:]) for f in found],
        [(*f[:8], "FATAL") for f in found],
    ):
        entries["rust/helpers/a.c"] = (digest, (lines, broken, *rest))
        (tmp_path / "cache" / name).write_bytes(marshal.dumps(entries))
        assert _check(root, env=env) == expected


def test_helperfix_changes_start_a_new_cache(tmp_path, monkeypatch):
    monkeypatch.setenv("HELPERFIX_CACHE_DIR", str(tmp_path))
    module = os.path.join(os.path.dirname(cache.__file__), "missing_annotation.py")
    st = os.stat(module)
    before = cache.CheckCache().path
    try:
        os.utime(module, ns=(st.st_atime_ns, st.st_mtime_ns + 1_000_000_000))
        assert cache.CheckCache().path != before
    finally:
        os.utime(module, ns=(st.st_atime_ns, st.st_mtime_ns))
    assert cache.CheckCache().path == before


def test_an_old_cache_is_dropped_when_a_new_one_is_written(tmp_path):
    root = make_tree(
        tmp_path / "tree",
        {"rust/helpers/helpers.c": '#include "a.c"\n', "rust/helpers/a.c": "void a(void)\n{\n}\n"},
    )
    (tmp_path / "cache").mkdir()
    (tmp_path / "cache" / "check-0000000000000000.marshal").write_bytes(b"old")
    _check(root, env={"HELPERFIX_CACHE_DIR": str(tmp_path / "cache")})
    (name,) = _cache_files(tmp_path / "cache")
    assert name != "check-0000000000000000.marshal"
