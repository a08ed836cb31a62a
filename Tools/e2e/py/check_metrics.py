#!/usr/bin/env python3
"""Parse `fapiao-central`'s /metrics with Prometheus's own text parser and print one sample.

The whole page must parse (prometheus_client.parser, from PyPI); then the value of the sample
named by NAME and LABEL=VALUE pairs is printed (nothing when there is no such sample), so an
end-to-end script can compare it.
"""

import argparse
import sys

from prometheus_client.parser import text_string_to_metric_families

EPILOG = """examples:
  check_metrics.py page.txt fapiao_branch_chain_broken branch=bj-01      → 1.0
  check_metrics.py page.txt fapiao_push_outcomes_total branch=bj-01 outcome=accepted
"""


def main():
    parser = argparse.ArgumentParser(prog="check_metrics.py", description=__doc__.splitlines()[0],
                                     epilog=EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("page", metavar="FILE", help="the /metrics page")
    parser.add_argument("name", metavar="NAME", help="the sample's name")
    parser.add_argument("labels", metavar="LABEL=VALUE", nargs="*", help="labels the sample must have")
    args = parser.parse_args()
    wanted = dict(pair.split("=", 1) for pair in args.labels)
    with open(args.page, encoding="utf-8") as handle:
        families = list(text_string_to_metric_families(handle.read()))
    for family in families:
        for sample in family.samples:
            if sample.name == args.name and all(sample.labels.get(k) == v for k, v in wanted.items()):
                print(sample.value)
                return 0
    return 0


if __name__ == "__main__":
    sys.exit(main())
