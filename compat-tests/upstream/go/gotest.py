#!/usr/bin/env python3
"""Runs a Go module's own tests (its _test.go files) against the PG* server.

gotest.py --module PATH --version VERSION --name SHORT --out RESULTS
          [--packages PKG ...] [--fast-packages PKG ...] [--timeout SECONDS]

The module's zip comes from the Go module proxy (`go mod download -json`,
cached in $UPSTREAM_CACHE/gomod); its test binaries are built once per pinned
version (`go test -c`) into $UPSTREAM_CACHE/go. Every top-level test (Test*,
Example*, Fuzz* seed corpus) then runs in its own process, from a per-target
copy of the package directory under $UPSTREAM_WORK, with -test.timeout and a
hard kill a little later: one hung test (a client goroutine waiting forever
for something the server refused) costs that test only, instead of the rest
of its package as a whole-package `go test -timeout` would.

Results: one "ID<TAB>pass|fail" line per test, ID = PKG/TestName (PKG = the
package's path in the module, SHORT for the module root), subtests as
PKG/TestName/sub. A parent with subtests is reported only when it failed on
its own (its subtests all passed or none ran). A skipped test is reported as
failed: it verified nothing, and on the baseline that makes the judge
discount it. Packages selected with UPSTREAM_FAST=1: --fast-packages.
When a test fails and the server no longer answers `SELECT 1`, the run stops
with status 3 naming the test: the server crashed (a bug to report).
"""
import argparse
import json
import os
import shutil
import subprocess
import sys
import time


def sh(cmd, **kw):
    return subprocess.run(cmd, check=True, text=True, capture_output=True, **kw).stdout


def go_env():
    cache = os.environ["UPSTREAM_CACHE"]
    env = dict(os.environ)
    env.update(GOMODCACHE=os.path.join(cache, "gomod"), GOFLAGS="-modcacherw",
               GOTOOLCHAIN="local")
    return env


def fetch(module, version, env):
    info = json.loads(sh(["go", "mod", "download", "-json", f"{module}@{version}"], env=env))
    if info.get("Error"):
        raise SystemExit(f"gotest: {module}@{version}: {info['Error']}")
    return info["Dir"]


def build(src_dir, name, version, packages, env):
    """Builds one test binary per package (cached per version).

    Returns the test2json path and {pkg: test binary path}."""
    bin_dir = os.path.join(os.environ["UPSTREAM_CACHE"], "go", f"{name}@{version}")
    stamp = os.path.join(bin_dir, "built")
    want = " ".join(packages)
    if not os.path.exists(stamp) or open(stamp).read() != want:
        shutil.rmtree(bin_dir, ignore_errors=True)
        build_src = os.path.join(bin_dir, "src")
        shutil.copytree(src_dir, build_src)
        for pkg in packages:
            out = os.path.join(bin_dir, pkg.replace("/", "_") + ".test")
            subprocess.run(["go", "test", "-c", "-o", out, "./" + pkg], cwd=build_src,
                           env=env, check=True)
        # test2json converts a binary's -test.v=test2json output; built once
        # here rather than through `go tool` (~0.1 s per test).
        subprocess.run(["go", "build", "-o", os.path.join(bin_dir, "test2json"), "cmd/test2json"],
                       env=env, check=True)
        with open(stamp, "w") as f:
            f.write(want)
    bins = {}
    for pkg in packages:
        path = os.path.join(bin_dir, pkg.replace("/", "_") + ".test")
        if os.path.exists(path):  # a package with no tests yields no binary
            bins[pkg] = path
    return os.path.join(bin_dir, "test2json"), bins


def server_answers():
    try:
        subprocess.run(["psql", "-XAtqc", "SELECT 1"], check=True, capture_output=True,
                       timeout=20, env=dict(os.environ, PGCONNECT_TIMEOUT="10"))
        return True
    except (subprocess.CalledProcessError, subprocess.TimeoutExpired):
        return False


def run_one(test2json, binary, pkg_dir, test, timeout, env):
    """Runs one top-level test; returns {test id suffix: verdict} and the log text."""
    cmd = [test2json, "-t", binary, "-test.v=test2json", "-test.count=1",
           f"-test.run=^{test}$", f"-test.timeout={timeout}s"]
    try:
        p = subprocess.run(cmd, cwd=pkg_dir, env=env, capture_output=True, text=True,
                           timeout=timeout + 30)
        out, killed = p.stdout, False
    except subprocess.TimeoutExpired as e:
        out = e.stdout.decode() if isinstance(e.stdout, bytes) else (e.stdout or "")
        killed = True
    verdicts, log, children = {}, [], set()
    for line in out.splitlines():
        try:
            ev = json.loads(line)
        except ValueError:
            log.append(line)
            continue
        t, action = ev.get("Test"), ev.get("Action")
        if action == "output":
            log.append(ev.get("Output", "").rstrip("\n"))
        if t and action in ("pass", "fail", "skip"):
            verdicts[t] = "pass" if action == "pass" else "fail"
            if "/" in t:
                children.add(t.rsplit("/", 1)[0])
    if test not in verdicts:  # timed out or crashed before reporting
        verdicts[test] = "fail"
    if killed:
        log.append(f"gotest: killed after {timeout + 30}s")
    result = {}
    for t, v in verdicts.items():
        if t in children:
            kids = [k for k in verdicts if k.startswith(t + "/")]
            if not (v == "fail" and all(verdicts[k] == "pass" for k in kids)):
                continue
        result[t] = v
    return result, "\n".join(log)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--module", required=True)
    ap.add_argument("--version", required=True)
    ap.add_argument("--name", required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--packages", nargs="+", default=["."])
    ap.add_argument("--fast-packages", nargs="+")
    ap.add_argument("--timeout", type=int, default=60)
    a = ap.parse_args()
    env = go_env()
    src = fetch(a.module, a.version, env)
    test2json, bins = build(src, a.name, a.version, a.packages, env)
    fast = os.environ.get("UPSTREAM_FAST") == "1"
    packages = a.fast_packages if fast and a.fast_packages else a.packages
    work = os.path.join(os.environ["UPSTREAM_WORK"], "src")
    shutil.rmtree(work, ignore_errors=True)
    shutil.copytree(src, work)
    subprocess.run(["chmod", "-R", "u+w", work], check=True)
    with open(a.out, "w") as out, \
            open(os.path.join(os.environ["UPSTREAM_WORK"], "tests.log"), "w") as logs:
        for pkg in packages:
            if pkg not in bins:
                continue
            prefix = a.name if pkg == "." else pkg
            tests = [t for t in sh([bins[pkg], "-test.list", ".*"]).split()
                     if t.startswith(("Test", "Example", "Fuzz"))]
            start = time.time()
            for test in tests:
                began = time.time()
                res, log = run_one(test2json, bins[pkg], os.path.join(work, pkg), test, a.timeout, env)
                for tid, verdict in sorted(res.items()):
                    out.write(f"{prefix}/{tid}\t{verdict}\n")
                out.flush()
                logs.write(f"==== {prefix}/{test} ({time.time() - began:.1f}s)\n{log}\n")
                if "fail" in res.values() and not server_answers():
                    print(f"gotest: the server stopped answering after {prefix}/{test}",
                          file=sys.stderr)
                    sys.stderr.write(log[-3000:] + "\n")
                    return 3
            print(f"gotest: {prefix}: {len(tests)} tests in {time.time() - start:.0f}s",
                  file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
