#!/usr/bin/env python3
"""Fails unless every Catch2 test case of every test program ran under ctest and passed.

catch_discover_tests turns each test case into a ctest entry. A name that CMake or Catch2 mangles
(a ';' splits it into fragments, a '*' or '\\' changes the test spec) becomes entries that match
no test case: Catch2 prints "No test cases matched" and ctest counts them as passed. This check
compares, per program, the test cases the program lists with the entries ctest ran (from its
JUnit report), and looks for that message in every entry's output.

Usage: check_test_counts.py JUNIT.xml PROGRAM=PREFIX [PROGRAM=PREFIX ...] [web=N]

`web=N`: the browser tier has N journey files, one ctest entry each ("web: <file>"); each must
have run and passed.
"""
import subprocess
import sys
import xml.etree.ElementTree as ET


def listed(program):
    out = subprocess.run([program, "--list-test-names-only"], capture_output=True, text=True)
    names = [line for line in out.stdout.splitlines() if line.strip()]
    return names


def main():
    if len(sys.argv) < 3:
        print(__doc__, file=sys.stderr)
        return 2
    root = ET.parse(sys.argv[1]).getroot()
    cases = {}
    for tc in root.iter("testcase"):
        name = tc.get("name", "")
        status = tc.get("status", "")
        failed = tc.find("failure") is not None or tc.find("error") is not None
        skipped = tc.find("skipped") is not None or status in ("notrun", "disabled")
        output = "".join(e.text or "" for e in tc.iter("system-out"))
        cases[name] = {"passed": not failed and not skipped, "output": output}
    problems = []
    for spec in sys.argv[2:]:
        program, prefix = spec.split("=", 1)
        if program == "web":
            ran = [c for c in cases if c.startswith("web: ")]
            if len(ran) != int(prefix):
                problems.append(f"browser tier: {prefix} journey files, {len(ran)} ctest entries 'web: ...'")
            problems += [f"'{c}' did not pass" for c in ran if not cases[c]["passed"]]
            print(f"browser tier: {prefix} journey files, {len(ran)} run by ctest")
            continue
        names = listed(program)
        if not names:
            problems.append(f"{program} lists no test cases")
        for n in names:
            entry = cases.get(prefix + n)
            if entry is None:
                problems.append(f"'{prefix}{n}' was not run by ctest (name split or filtered?)")
            elif not entry["passed"]:
                problems.append(f"'{prefix}{n}' did not pass")
        ran = [c for c in cases if c.startswith(prefix)]
        if len(ran) != len(names):
            problems.append(f"{program}: {len(names)} test cases listed, {len(ran)} ctest entries with prefix '{prefix}'")
        print(f"{program}: {len(names)} test cases listed, {len(ran)} run by ctest")
    for name, c in cases.items():
        if "No test cases matched" in c["output"]:
            problems.append(f"'{name}' matched no test case (it ran nothing)")
    for p in problems:
        print("test-count check: " + p, file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
