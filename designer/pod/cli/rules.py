"""`python -m designer.pod rules [RULE-ID] [--all] [--format text|json]`: the rule reference.

Without an id, one line per rule (id, severity, family, summary); with one, the rule explained with
its failing and passing examples. Exit codes: 0 shown, 2 an unknown id (or bad usage).
"""

from __future__ import annotations

import argparse
import json
import sys
import textwrap

from designer.pod.rules import reference


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m designer.pod rules",
        description="List the validation rules, or explain one with a failing and a passing example.",
    )
    parser.add_argument(
        "rule", nargs="?", metavar="RULE-ID", help="the rule to explain, e.g. PAT-PORT-CONFLICT"
    )
    parser.add_argument("--all", action="store_true", help="include planned rules, not emitted yet")
    parser.add_argument("--format", choices=("text", "json"), default="text")
    return parser


def _as_dict(doc: reference.RuleDoc) -> dict[str, object]:
    return {
        "id": doc.id,
        "severity": doc.severity,
        "family": doc.family,
        "summary": doc.summary,
        "explanation": doc.explanation,
        "source": doc.source,
        "fails": doc.fails,
        "passes": doc.passes,
        "planned": doc.planned,
    }


def _explain(doc: reference.RuleDoc) -> str:
    planned = " (planned: not checked yet)" if doc.planned else ""
    lines = [f"{doc.id}  {doc.severity}  {doc.family}{planned}", "", doc.summary, ""]
    lines += [textwrap.fill(paragraph, 96) for paragraph in doc.explanation.split("\n\n")]
    lines += ["", f"Source: {doc.source}"]
    for title, example in (("Fails", doc.fails), ("Passes", doc.passes)):
        if example:
            lines += ["", f"{title}:", textwrap.indent(example.rstrip("\n"), "    ")]
    if doc.no_example:
        lines += ["", f"(No {'passing ' if doc.fails else ''}example: {doc.no_example})"]
    return "\n".join(lines)


def main(argv: list[str]) -> int:
    try:
        args = _parser().parse_args(argv)
    except SystemExit as exit_:
        return 0 if exit_.code == 0 else 2
    if args.rule:
        doc = reference.rule(args.rule)
        if doc is None:
            print(f"rules: no rule {args.rule!r}; `python -m designer.pod rules` lists them", file=sys.stderr)
            return 2
        print(json.dumps(_as_dict(doc), indent=2) if args.format == "json" else _explain(doc))
        return 0
    docs = [doc for doc in reference.rules().values() if args.all or not doc.planned]
    if args.format == "json":
        print(json.dumps([_as_dict(doc) for doc in docs], indent=2))
        return 0
    width = max(len(doc.id) for doc in docs)
    for doc in docs:
        planned = " (planned)" if doc.planned else ""
        print(f"{doc.id:<{width}}  {doc.severity:<7}  {doc.family:<18}  {doc.summary}{planned}")
    return 0
