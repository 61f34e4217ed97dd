#!/usr/bin/env python3
"""Checks our IDL (modules/*/*.kmd.json) against the IDL Kurento publishes in its npm packages.

Usage: check_conformance.py <modules dir> <node_modules dir>

The published API is what existing applications call, so every class, constructor parameter,
method, parameter, property, event and complex type of the reference must be declared by us with
the same types; our files may declare more. Our documentation text must be our own: a doc string
identical to the reference's is reported as a failure.
"""
import json
import sys
from pathlib import Path

MODULES = ("core", "elements", "filters")


def load(paths):
    merged = {"remoteClasses": {}, "complexTypes": {}, "events": {}, "docs": set()}
    for path in paths:
        kmd = json.loads(Path(path).read_text(encoding="utf-8"))
        for kind in ("remoteClasses", "complexTypes", "events"):
            for item in kmd.get(kind, []):
                merged[kind][item["name"]] = item
        collect_docs(kmd, merged["docs"])
    return merged


def collect_docs(node, docs):
    if isinstance(node, dict):
        if isinstance(node.get("doc"), str) and len(node["doc"]) > 30:
            docs.add(node["doc"].strip())
        for value in node.values():
            collect_docs(value, docs)
    elif isinstance(node, list):
        for value in node:
            collect_docs(value, docs)


def params_of(entry):
    return [(p["name"], p["type"], bool(p.get("optional", False))) for p in entry.get("params", [])]


def compare_class(name, ref, ours, problems):
    where = f"class {name}"
    if ref.get("extends") != ours.get("extends"):
        problems.append(f"{where}: extends {ours.get('extends')}, reference {ref.get('extends')}")
    if bool(ref.get("abstract")) != bool(ours.get("abstract")):
        problems.append(f"{where}: abstract flag differs from the reference")
    if "constructor" in ref:
        if "constructor" not in ours:
            problems.append(f"{where}: no constructor")
        elif params_of(ref["constructor"]) != params_of(ours["constructor"]):
            problems.append(f"{where}: constructor params {params_of(ours['constructor'])}, "
                            f"reference {params_of(ref['constructor'])}")
    our_methods = {}
    for method in ours.get("methods", []):
        our_methods.setdefault(method["name"], []).append(method)
    for method in ref.get("methods", []):
        candidates = our_methods.get(method["name"], [])
        wanted = (params_of(method), (method.get("return") or {}).get("type"))
        found = [(params_of(m), (m.get("return") or {}).get("type")) for m in candidates]
        if wanted not in found:
            problems.append(f"{where}.{method['name']}: ours {found or 'missing'}, reference {wanted}")
    our_props = {p["name"]: p for p in ours.get("properties", [])}
    for prop in ref.get("properties", []):
        mine = our_props.get(prop["name"])
        if mine is None:
            problems.append(f"{where}: property {prop['name']} missing")
        elif (mine["type"], bool(mine.get("readOnly"))) != (prop["type"], bool(prop.get("readOnly"))):
            problems.append(f"{where}: property {prop['name']} differs in type or readOnly")
    missing_events = set(ref.get("events", [])) - set(ours.get("events", []))
    if missing_events:
        problems.append(f"{where}: events {sorted(missing_events)} missing")


def compare_fields(where, ref, ours, problems):
    if ref.get("extends") != ours.get("extends"):
        problems.append(f"{where}: extends {ours.get('extends')}, reference {ref.get('extends')}")
    our_props = {p["name"]: p for p in ours.get("properties", [])}
    for prop in ref.get("properties", []):
        mine = our_props.get(prop["name"])
        if mine is None:
            problems.append(f"{where}: field {prop['name']} missing")
        elif (mine["type"], bool(mine.get("optional"))) != (prop["type"], bool(prop.get("optional"))):
            problems.append(f"{where}: field {prop['name']} differs in type or optionality")


def compare(reference, ours):
    problems = []
    for name, ref in reference["remoteClasses"].items():
        if name not in ours["remoteClasses"]:
            problems.append(f"class {name} missing")
        else:
            compare_class(name, ref, ours["remoteClasses"][name], problems)
    for name, ref in reference["complexTypes"].items():
        mine = ours["complexTypes"].get(name)
        if mine is None:
            problems.append(f"type {name} missing")
        elif ref.get("typeFormat") != mine.get("typeFormat"):
            problems.append(f"type {name}: format {mine.get('typeFormat')}, reference {ref.get('typeFormat')}")
        elif ref.get("typeFormat") == "ENUM":
            if ref.get("values") != mine.get("values"):
                problems.append(f"enum {name}: values {mine.get('values')}, reference {ref.get('values')}")
        else:
            compare_fields(f"type {name}", ref, mine, problems)
    for name, ref in reference["events"].items():
        if name not in ours["events"]:
            problems.append(f"event {name} missing")
        else:
            compare_fields(f"event {name}", ref, ours["events"][name], problems)
    for doc in sorted(reference["docs"] & ours["docs"]):
        problems.append(f"doc text copied from the reference: {doc[:70]!r}")
    return problems


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    modules_dir, node_modules = Path(sys.argv[1]), Path(sys.argv[2])
    reference_paths = [node_modules / f"kurento-client-{m}" / "src" / f"{m}.kmd.json" for m in MODULES]
    missing = [str(p) for p in reference_paths if not p.is_file()]
    if missing:
        sys.exit(f"reference IDL not installed: {missing} (run scripts/install-deps.sh --tests)")
    reference = load(reference_paths)
    ours = load(sorted(modules_dir.glob("*/*.kmd.json")))
    problems = compare(reference, ours)
    counts = {kind: len(reference[kind]) for kind in ("remoteClasses", "complexTypes", "events")}
    methods = sum(len(c.get("methods", [])) for c in reference["remoteClasses"].values())
    properties = sum(len(c.get("properties", [])) for c in reference["remoteClasses"].values())
    print(f"reference: {counts['remoteClasses']} classes, {methods} methods, {properties} properties, "
          f"{counts['events']} events, {counts['complexTypes']} complex types")
    for problem in problems:
        print(f"FAIL: {problem}")
    print(f"{len(problems)} differences")
    sys.exit(1 if problems else 0)


if __name__ == "__main__":
    main()
