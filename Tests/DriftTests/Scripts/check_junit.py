#!/usr/bin/env python3
"""Reads a drift report's JUnit XML the way CI systems do: with junitparser.

Usage: check_junit.py REPORT.xml --tests N --failures F [--skipped S] [--errors E]

The file must be well-formed XML with a <testsuites> root (xml.etree); junitparser then reads
it, and the test cases it finds must number N, F of them failing, and (when given) S skipped
and E in error. Every test case has a name and a classname, every failure a message, each
case at most one result (failure, error or skipped), no two cases the same classname and
name, and the tests/failures/errors/skipped attributes that are present agree with the cases.

Prints the counts and `ok`; exits 1 on any mismatch. Without junitparser it prints
`skip: no junitparser` and exits 0, unless RECONCILE_REQUIRE_JUNIT=1.
"""
import argparse
import collections
import os
import sys
import xml.etree.ElementTree as ElementTree


class CheckFailed(Exception):
    pass


def fail(message):
    raise CheckFailed(message)


def check(message):
    print(message, flush=True)


def declared(element, name):
    """An integer attribute of a testsuites/testsuite element, or None when absent."""
    value = element.get(name)
    if value is None:
        return None
    try:
        return int(value)
    except ValueError:
        fail(f'junit: {element.tag} "{element.get("name", "")}" has {name}="{value}", not an integer')


def check_declared(what, element, counts):
    for name in ("tests", "failures", "errors", "skipped"):
        value = declared(element, name)
        if value is not None and value != counts[name]:
            fail(f'junit: {what} says {name}="{value}", but its test cases have {counts[name]}')


def main():
    arguments = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    arguments.add_argument("report", help="the JUnit XML file")
    arguments.add_argument("--tests", type=int, required=True, help="expected number of test cases")
    arguments.add_argument("--failures", type=int, required=True, help="expected failing test cases")
    arguments.add_argument("--skipped", type=int, help="expected skipped test cases")
    arguments.add_argument("--errors", type=int, help="expected test cases in error")
    options = arguments.parse_args()

    try:
        try:
            from junitparser import Error, Failure, JUnitXml, Skipped, TestSuite
        except ImportError:
            if os.environ.get("RECONCILE_REQUIRE_JUNIT") == "1":
                fail("junitparser is not installed (pip install junitparser), and RECONCILE_REQUIRE_JUNIT=1")
            print("skip: no junitparser", flush=True)
            return 0

        try:
            root = ElementTree.parse(options.report).getroot()
        except OSError as error:
            fail(f"{options.report}: {error.strerror}")
        except ElementTree.ParseError as error:
            fail(f"xml: {options.report} is not well-formed: {error}")
        if root.tag != "testsuites":
            fail(f"xml: the root element is <{root.tag}>, not <testsuites>")
        check(f"xml: well-formed, root <testsuites>, {len(root.findall('testsuite'))} <testsuite>")

        xml = JUnitXml.fromfile(options.report)
        if isinstance(xml, TestSuite) and not isinstance(xml, JUnitXml):
            fail("junit: junitparser read a single <testsuite>, not <testsuites>")

        total = collections.Counter()
        seen = set()
        suites = 0
        elements = root.findall("testsuite")  # the same suites, in the same order, as raw XML
        for suite in xml:
            suites += 1
            counts = collections.Counter()
            for case in suite:
                counts["tests"] += 1
                label = f'test case "{case.name}" (suite "{suite.name}")'
                if not (case.name or "").strip():
                    fail(f'junit: a test case in suite "{suite.name}" has no name')
                if not (case.classname or "").strip():
                    fail(f"junit: {label} has no classname")
                key = (case.classname, case.name)
                if key in seen:
                    fail(f'junit: two test cases are classname "{case.classname}", name "{case.name}"')
                seen.add(key)
                results = case.result
                if len(results) > 1:
                    kinds = ", ".join(type(result).__name__.lower() for result in results)
                    fail(f"junit: {label} has {len(results)} results ({kinds}); a case has at most one")
                for result in results:
                    if isinstance(result, Failure):
                        counts["failures"] += 1
                        if not (result.message or "").strip():
                            fail(f"junit: the failure of {label} has no message")
                    elif isinstance(result, Error):
                        counts["errors"] += 1
                    elif isinstance(result, Skipped):
                        counts["skipped"] += 1
            if suites <= len(elements):
                check_declared(f'suite "{suite.name}"', elements[suites - 1], counts)
            check(
                f'junit: suite "{suite.name}": {counts["tests"]} tests, {counts["failures"]} failures, '
                f'{counts["skipped"]} skipped, {counts["errors"]} errors'
            )
            total.update(counts)
        check_declared("<testsuites>", root, total)
        check(
            f"junit: {suites} suites, {total['tests']} tests, {total['failures']} failures, "
            f"{total['skipped']} skipped, {total['errors']} errors"
        )

        expected = [("tests", options.tests), ("failures", options.failures)]
        if options.skipped is not None:
            expected.append(("skipped", options.skipped))
        if options.errors is not None:
            expected.append(("errors", options.errors))
        for name, value in expected:
            if total[name] != value:
                fail(f"junit: {total[name]} {name}, expected {value}")
        check("junit: counts as expected; every case has a name and a classname, every failure a message")
    except CheckFailed as failure:
        print(f"FAIL: {failure}", file=sys.stderr, flush=True)
        return 1
    print("ok", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
