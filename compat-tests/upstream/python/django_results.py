"""Per-test results from Django's own test suite (suites/django.sh).

As a test runner (settings.TEST_RUNNER = "django_results.ResultsRunner"):
writes every test id the run is about to execute to $DJANGO_PLANNED and
each outcome, as it happens, to $DJANGO_OUTCOMES ("id<TAB>verdict<TAB>
cause" lines; verdicts pass, fail, skip). A test running longer than
$DJANGO_TEST_TIMEOUT seconds (default 120) is interrupted and fails.

As a script, `django_results.py collect PLANNED OUTCOMES RESULTS CAUSES`
turns those into the judge's "id<TAB>pass|fail" lines (RESULTS, appended)
and "id<TAB>cause" lines for the failures (CAUSES, appended). A planned
test with no outcome failed too: its class or module set-up raised, the
test databases could not be created, or the run was killed (hang, crash);
the cause recorded for that is used. Skipped tests are not reported.
"""
import os
import signal
import sys
import unittest

from django.test.runner import DiscoverRunner


def _cause(err):
    """One line naming an exception: its type and first message line."""
    if err is None:
        return ""
    etype, value = err[0], err[1]
    text = str(value).strip().splitlines()
    first = text[0] if text else ""
    return f"{etype.__name__}: {first}"[:400].replace("\t", " ")


class _TestTimeout(Exception):
    pass


def _write(path, line):
    with open(path, "a", encoding="utf-8") as f:
        f.write(line + "\n")


class ResultRecorder(unittest.TextTestResult):
    """TextTestResult that also appends each outcome to $DJANGO_OUTCOMES."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._path = os.environ["DJANGO_OUTCOMES"]
        self._timeout = int(os.environ.get("DJANGO_TEST_TIMEOUT", "120"))

    def _record(self, test, verdict, err=None):
        if isinstance(test, unittest.suite._ErrorHolder):
            # setUpClass/setUpModule (or their teardown) raised: the tests
            # it covers never run and are failed by `collect` with this cause.
            _write(self._path, f"#setup\t{test.description}\t{_cause(err)}")
            return
        _write(self._path, f"{test.id()}\t{verdict}\t{_cause(err)}")

    def startTest(self, test):
        def on_alarm(signum, frame):
            raise _TestTimeout(f"test ran longer than {self._timeout} s")

        signal.signal(signal.SIGALRM, on_alarm)
        signal.alarm(self._timeout)
        super().startTest(test)

    def stopTest(self, test):
        signal.alarm(0)
        super().stopTest(test)

    def addSuccess(self, test):
        super().addSuccess(test)
        self._record(test, "pass")

    def addError(self, test, err):
        super().addError(test, err)
        self._record(test, "fail", err)

    def addFailure(self, test, err):
        super().addFailure(test, err)
        self._record(test, "fail", err)

    def addSubTest(self, test, subtest, err):
        super().addSubTest(test, subtest, err)
        if err is not None:
            self._record(test, "fail", err)

    def addSkip(self, test, reason):
        super().addSkip(test, reason)
        self._record(test, "skip")

    def addExpectedFailure(self, test, err):
        super().addExpectedFailure(test, err)
        self._record(test, "pass")

    def addUnexpectedSuccess(self, test):
        super().addUnexpectedSuccess(test)
        self._record(test, "fail", (AssertionError, AssertionError("unexpected success"), None))


def _test_ids(suite):
    for test in suite:
        if isinstance(test, unittest.TestSuite):
            yield from _test_ids(test)
        else:
            yield test.id()


class ResultsRunner(DiscoverRunner):
    def build_suite(self, *args, **kwargs):
        suite = super().build_suite(*args, **kwargs)
        with open(os.environ["DJANGO_PLANNED"], "a", encoding="utf-8") as f:
            for tid in _test_ids(suite):
                f.write(tid + "\n")
        return suite

    def setup_databases(self, *args, **kwargs):
        try:
            return super().setup_databases(*args, **kwargs)
        except BaseException:
            _write(os.environ["DJANGO_OUTCOMES"],
                   f"#setup\ttest databases\t{_cause(sys.exc_info())}")
            raise

    def get_resultclass(self):
        return ResultRecorder


def _setup_target(description):
    """'setUpClass (app.tests.Class)' -> 'app.tests.Class' (or the module)."""
    if "(" in description and description.endswith(")"):
        return description[description.index("(") + 1:-1]
    return description


def collect(planned_path, outcomes_path, results_path, causes_path):
    planned = []
    if os.path.exists(planned_path):
        with open(planned_path, encoding="utf-8") as f:
            planned = [line.strip() for line in f if line.strip()]
    verdict, cause, setup_errors = {}, {}, []
    if os.path.exists(outcomes_path):
        with open(outcomes_path, encoding="utf-8") as f:
            for line in f:
                parts = line.rstrip("\n").split("\t")
                if len(parts) < 3:
                    continue  # a line cut short by a kill
                tid, v, why = parts[0], parts[1], parts[2]
                if tid == "#setup":
                    setup_errors.append((_setup_target(v), why))
                    continue
                # A test reported several times (subtests, teardown errors)
                # fails if any report failed.
                if verdict.get(tid) != "fail" and (v == "fail" or verdict.get(tid) in (None, "skip")):
                    verdict[tid], cause[tid] = v, why
    with open(results_path, "a", encoding="utf-8") as res, \
            open(causes_path, "a", encoding="utf-8") as causes:
        for tid in planned:
            v = verdict.get(tid)
            if v == "skip":
                continue
            if v is None:
                why = "not run (run killed or timed out)"
                for target, setup_cause in setup_errors:
                    if tid.startswith(target + ".") or target == "test databases":
                        why = f"set-up of {target} failed: {setup_cause}"
                        break
                v, cause[tid] = "fail", why
            res.write(f"{tid}\t{v}\n")
            if v == "fail":
                causes.write(f"{tid}\t{cause.get(tid, '')}\n")


if __name__ == "__main__":
    if len(sys.argv) != 6 or sys.argv[1] != "collect":
        sys.exit("usage: django_results.py collect PLANNED OUTCOMES RESULTS CAUSES")
    collect(*sys.argv[2:])
