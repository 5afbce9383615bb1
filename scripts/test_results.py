#!/usr/bin/env python3
"""Counts one `bazel test` stage for scripts/test.sh from Bazel's own records.

Bazel's summary says which targets passed; it cannot say that a passing GoogleTest target
skipped its cases (GTEST_SKIP passes) or ran none at all. The test.xml files GoogleTest writes
under bazel-testlogs can, so this reads them:
  - a target whose cases include a skipped one counts as skipped, not passed;
  - a GoogleTest target that ran no case at all counts as failed (it lost its tests);
  - every GoogleTest case run is counted, so a target that lost some of its cases shows.
Targets that do not use GoogleTest (shell tests, the fuzz corpus runners) get the test.xml Bazel
writes for them and count by their verdict alone.

  test_results.py BAZEL_LOG TESTLOGS_DIR [STARTED_FILE]

With STARTED_FILE, only test.xml files written after it are read: Bazel leaves the files of
earlier runs in place (a run_1_of_3/ directory from an earlier --runs_per_test, say), and those
must not be counted as this run's.

Prints what it found, then a last line `counts PASSED FAILED SKIPPED CASES SKIPPED_CASES`.
"""

import pathlib
import re
import sys
import xml.etree.ElementTree as ElementTree

VERDICT = re.compile(r"^(//\S+)\s+(?:\(cached\) )?(PASSED|FAILED TO BUILD|FAILED|TIMEOUT|FLAKY|"
                     r"NO STATUS|INCOMPLETE)\b")


def gtest_cases(xml_file):
    """Returns (cases run, [skip messages]) for a GoogleTest test.xml, or None for any other."""
    try:
        root = ElementTree.parse(xml_file).getroot()
    except (ElementTree.ParseError, OSError):
        return None
    # GoogleTest names its root "AllTests"; the file Bazel writes for other tests has no name.
    if root.tag != "testsuites" or root.get("name") != "AllTests":
        return None
    run = 0
    skips = []
    for case in root.iter("testcase"):
        if case.get("status") != "run":
            continue  # DISABLED_ cases
        run += 1
        skipped = case.find("skipped")
        if case.get("result") == "skipped" or skipped is not None:
            message = skipped.get("message", "") if skipped is not None else ""
            skips.append("%s.%s: %s" % (case.get("classname"), case.get("name"),
                                        message.replace("\n", " ")))
    return run, skips


def main():
    if len(sys.argv) not in (3, 4):
        sys.exit("usage: test_results.py BAZEL_LOG TESTLOGS_DIR [STARTED_FILE]")
    log_path, testlogs = sys.argv[1], pathlib.Path(sys.argv[2])
    started = pathlib.Path(sys.argv[3]).stat().st_mtime if len(sys.argv) == 4 else 0
    passed = failed = skipped = cases = skipped_cases = 0
    with open(log_path, errors="replace") as log:
        verdicts = [m.groups() for m in map(VERDICT.match, log) if m]
    for label, verdict in verdicts:
        if verdict != "PASSED":
            print("   %s %s" % (verdict, label))
            failed += 1
            continue
        package, _, name = label[2:].partition(":")
        xml_files = sorted(f for f in (testlogs / package / name).rglob("test.xml")
                           if f.stat().st_mtime >= started)
        gtest = [r for r in map(gtest_cases, xml_files) if r is not None]
        if not xml_files:
            print("   FAILED %s: passed but wrote no test.xml under %s" % (label, testlogs))
            failed += 1
            continue
        if not gtest:  # a shell test or a corpus runner: its verdict is all there is
            passed += 1
            continue
        run = sum(r[0] for r in gtest)
        skips = [s for r in gtest for s in r[1]]
        cases += run
        skipped_cases += len(skips)
        if run == 0:
            print("   FAILED %s: GoogleTest ran 0 test cases" % label)
            failed += 1
        elif skips:
            for s in skips:
                print("   SKIPPED %s: %s" % (label, s))
            skipped += 1
        else:
            passed += 1
    print("counts %d %d %d %d %d" % (passed, failed, skipped, cases, skipped_cases))


if __name__ == "__main__":
    main()
