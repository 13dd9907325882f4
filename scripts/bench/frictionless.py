#!/usr/bin/env python3
"""Frictionless baseline for the rostercheck benchmark.

    python scripts/bench/frictionless.py PACKAGE_DIR SPEC_JSON VERSION

PACKAGE_DIR  folder holding an unpacked OneRoster CSV package (manifest.csv, users.csv, ...)
SPEC_JSON    the machine-readable reference, /work/shared/reference/oneroster-spec.json
VERSION      "1.1" or "1.2": the section of SPEC_JSON to build the schemas from

Builds a Frictionless Data Package in a temporary folder: a datapackage.json
with one tabular resource per known OneRoster CSV file present in
PACKAGE_DIR (manifest.csv included), each pointing at the CSV by absolute path
(allowed by running Frictionless in its `trusted` mode), with a Table Schema
derived from SPEC_JSON. Validates the whole package through the Python API
(`Package(...).validate(limit_errors=0)`: no error limit, no row limit, so
every row is read) and prints ONE JSON line on stdout:

    {"tool":"frictionless","version":...,"seconds":...,"peakBytes":...,"bytes":...,
     "rows":...,"valid":...,"errors":...,"errorTypes":{...}}

`seconds` is wall time of Package(...) + validate(); the Python start-up and
`import frictionless` (about 1 s) are not counted. `peakBytes` is the peak RSS of
the whole process (ru_maxrss * 1024). `bytes` is the sum of the sizes of the
CSV files validated. `rows` is the sum of the data rows Frictionless reports
for each resource (report.tasks[*].stats.rows); the extra passes it makes over
referenced tables to build its foreign-key lookups are not counted there.
Everything else (notes on skipped files/keys, error samples) goes to stderr.
Set FRICTIONLESS_BENCH_KEEP=1 to keep the temporary folder (its path is
printed on stderr) and inspect the generated datapackage.json.

How the OneRoster reference maps to Table Schema
-------------------------------------------------
* Fields: the spec header, in order, all with the spec column names; trailing
  `metadata.*` columns found in the file's header are appended as plain
  strings (the spec allows them after the defined columns). Anything else in
  the header is left for Frictionless to flag (incorrect/extra/missing label).
  If users.csv carries the 1.2.0 header (with resourceSourcedIds), the 1.2.0
  variant from SPEC_JSON is used.
* required: true  -> constraints.required.
  required: "delta" (status, dateLastModified) depends on the file's mode in
  manifest.csv: `delta` -> required; `bulk` -> the column must be blank, written
  as a string field with maxLength 0 (a blank cell is a missing value, so only a
  filled cell fails). Unknown mode -> optional, typed.
* GUID / GUIDRef: string with the GUID pattern [0-9A-Za-z.\\-_/@]{1,255}.
  GUIDRefList: string with a pattern for a comma-separated list of GUIDs.
* Enum, not extensible: string with an `enum` constraint.
  Enum, extensible (1.2: true; 1.1: "unverified", where the spec says to treat
  ext: values as a warning, and Frictionless has no warnings): an `enum`
  constraint would reject `ext:...` values, so it is a `pattern`:
  (?:v1|v2|...|ext:.+).
  EnumList (resources.roles): a pattern for a comma-separated list of tokens.
* Boolean: boolean with trueValues ["true"], falseValues ["false"] (lower case
  only, like the spec).
* Date: date with format %Y-%m-%d (strptime: also accepts unpadded month/day,
  e.g. 2026-8-1, which the spec's YYYY-MM-DD does not).
  DateTime 1.2 (1.2.1: exactly YYYY-MM-DDTHH:MM:SS.sssZ): datetime with format
  %Y-%m-%dT%H:%M:%S.%fZ (strptime %f takes 1-6 fraction digits, not exactly 3).
  DateTime 1.1 (fraction optional): no strptime format fits, so a string with
  the spec's lenient pattern (no calendar check there).
  Year: year (4 characters, integer). Float: number. Integer: integer.
* StringList with an itemPattern (userIds, scoreScaleValue): pattern for a
  comma-separated list of such items. Grades (the CEDS codes): in 1.1 the
  vocabulary is normative, so a list pattern of the codes; in 1.2 it is
  warning-level only (SPEC_JSON: normative false), so it is left out.
* primaryKey: the file's primaryKey (sourcedId). The spec's separate `unique`
  flag on sourcedId is not repeated as a constraint (it would report every
  duplicate twice).
* foreignKeys: every single-valued reference (GUIDRef with `ref`, including
  demographics.sourcedId -> users.sourcedId) whose target file is in the
  package. Self references use resource "".

What the mapping cannot express (not checked by this baseline)
---------------------------------------------------------------
* List-valued references (GUIDRefList: classes.termSourcedIds, 1.1
  users.orgSourcedIds, users.agentSourcedIds, 1.2.0 users.resourceSourcedIds):
  Table Schema foreign keys compare whole cells, so the items of a list cannot
  be looked up. Only the list's syntax is checked (pattern).
* Conditional references (refConstraint: classes/enrollments.schoolSourcedId
  must be an org of type school, courses.schoolYearSourcedId must be a
  schoolYear session, results.studentSourcedId must be a student).
* References to a file that is not in the package: Frictionless would fail the
  whole resource ("resource does not exist"), so such keys are dropped (noted
  on stderr). In bulk mode OneRoster requires those targets to be present.
* Delta files get no foreign keys at all: their targets may have been sent in
  an earlier exchange, so a missing target is not an error in delta mode.
* Everything about the package rather than a table: manifest property values
  (oneroster.version, file.* in absent|bulk|delta, file set vs. manifest), a
  data file with no data rows, the zip container, unknown CSV files (skipped,
  noted on stderr), row-dependent rules (beginDate <= endDate, semantic rules).
* CSV-level rules Frictionless does not enforce: no embedded newlines inside
  quoted fields, RFC 4180 line endings. The encoding is given as utf-8-sig
  (UTF-8, a BOM tolerated), as the spec asks.
* Frictionless caveat: its `pattern` constraint is wrapped as ^...$, so every
  pattern here is a single (?:...) group; `$` would also accept one trailing
  newline (cannot occur: the CSV reader strips line ends).
"""

from __future__ import annotations

import csv
import json
import os
import re
import resource as rusage
import shutil
import sys
import tempfile
import time
from collections import Counter

GUID = r"[0-9A-Za-z.\-_/@]{1,255}"
BLANK_RULE_TYPES = ("status", "dateLastModified")


def log(*args):
    print(*args, file=sys.stderr)


def strip_anchors(pattern: str) -> str:
    if pattern.startswith("^"):
        pattern = pattern[1:]
    if pattern.endswith("$") and not pattern.endswith("\\$"):
        pattern = pattern[:-1]
    return pattern


def list_pattern(item: str) -> str:
    """Comma-separated list of one or more items matching `item`."""
    return f"(?:(?:{item})(?:,(?:{item}))*)"


def alternatives(values, extensible: bool) -> str:
    alts = [re.escape(v) for v in values]
    if extensible:
        alts.append(r"ext:.+")
    return "(?:" + "|".join(alts) + ")"


def read_manifest(pkg_dir: str) -> dict:
    path = os.path.join(pkg_dir, "manifest.csv")
    props = {}
    if not os.path.exists(path):
        return props
    with open(path, newline="", encoding="utf-8-sig") as f:
        rows = csv.reader(f)
        next(rows, None)
        for row in rows:
            if len(row) >= 2:
                props[row[0]] = row[1]
    return props


def read_header(path: str) -> list:
    with open(path, newline="", encoding="utf-8-sig", errors="replace") as f:
        return next(csv.reader(f), [])


def resource_name(file_name: str) -> str:
    # Frictionless resource names must match ^[-a-z0-9._/]+$: lower-case them.
    return file_name[: -len(".csv")].lower()


def build_field(col: dict, vspec: dict, version: str, mode):
    """Table Schema field for one spec column."""
    name = col["name"]
    ctype = col["type"]
    enums = vspec["enums"]
    field: dict = {"name": name}
    constraints: dict = {}

    req = col.get("required")
    if req is True:
        constraints["required"] = True
    elif req == "delta":
        if mode == "delta":
            constraints["required"] = True
        elif mode == "bulk":
            # MUST be blank in bulk mode: a blank cell is a missing value
            # (never checked), any filled cell fails maxLength 0.
            field["type"] = "string"
            field["description"] = "bulk mode: must be blank"
            constraints["maxLength"] = 0
            field["constraints"] = constraints
            return field

    extensible = col.get("extensible") in (True, "unverified")
    values = col.get("enum")
    if values is None and col.get("enumRef"):
        values = enums[col["enumRef"]]["values"]

    if ctype in ("GUID", "GUIDRef"):
        field["type"] = "string"
        constraints["pattern"] = f"(?:{GUID})"
    elif ctype == "GUIDRefList":
        field["type"] = "string"
        constraints["pattern"] = list_pattern(GUID)
    elif ctype == "Boolean":
        field["type"] = "boolean"
        field["trueValues"] = ["true"]
        field["falseValues"] = ["false"]
    elif ctype == "Enum":
        field["type"] = "string"
        if extensible:
            constraints["pattern"] = alternatives(values, True)
        else:
            constraints["enum"] = list(values)
    elif ctype == "EnumList":
        field["type"] = "string"
        constraints["pattern"] = list_pattern(alternatives(values, extensible))
    elif ctype == "Date":
        field["type"] = "date"
        field["format"] = "%Y-%m-%d"
    elif ctype == "DateTime":
        if version == "1.2":
            field["type"] = "datetime"
            field["format"] = "%Y-%m-%dT%H:%M:%S.%fZ"
        else:
            field["type"] = "string"
            dt = vspec["general"]["datatypes"]["DateTime"]
            constraints["pattern"] = "(?:" + strip_anchors(dt["pattern_lenient"]) + ")"
    elif ctype == "Year":
        field["type"] = "year"
    elif ctype == "Float":
        field["type"] = "number"
    elif ctype == "Integer":
        field["type"] = "integer"
    elif ctype in ("String", "StringList", "ID"):
        field["type"] = "string"
        if col.get("itemPattern"):
            item = strip_anchors(col["itemPattern"])
            constraints["pattern"] = list_pattern(item) if ctype == "StringList" else f"(?:{item})"
        vocab = col.get("vocabulary")
        if vocab and enums.get(vocab, {}).get("normative"):
            constraints["pattern"] = list_pattern(alternatives(enums[vocab]["values"], False))
    else:
        raise SystemExit(f"unknown spec type {ctype!r} for column {name}")

    if constraints:
        field["constraints"] = constraints
    return field


def build_resource(file_name: str, path: str, fspec: dict, vspec: dict, version: str,
                   mode, present: set):
    header = read_header(path)
    columns = list(fspec["columns"])
    spec_header = list(fspec["header"])

    # 1.2.0 variant (users.csv with resourceSourcedIds), chosen by the file's header.
    variant = vspec.get("variants", {})
    for vname, vfiles in variant.items():
        v = vfiles.get(file_name) if isinstance(vfiles, dict) else None
        if v and header[: len(v["header"])] == v["header"]:
            log(f"{file_name}: header matches the {vname} variant")
            spec_header = list(v["header"])
            added = dict(v["addedColumn"])
            columns.insert(added.pop("position") - 1, added)
            break
    assert [c["name"] for c in columns] == spec_header, file_name

    fields = [build_field(c, vspec, version, mode) for c in columns]
    extra = header[len(spec_header):]
    if header[: len(spec_header)] == spec_header and extra and all(
        h.startswith("metadata") for h in extra
    ):
        fields += [{"name": h, "type": "string"} for h in extra]

    schema: dict = {"fields": fields, "missingValues": [""]}
    if fspec.get("primaryKey"):
        pk = fspec["primaryKey"]
        schema["primaryKey"] = pk if isinstance(pk, list) else [pk]

    fks = []
    for col in columns:
        ref = col.get("ref")
        if not ref or col["type"] == "GUIDRefList":
            continue  # list-valued references cannot be expressed
        target_file, target_col = ref.split("#")
        if mode == "delta":
            continue
        if target_file not in present:
            log(f"{file_name}.{col['name']}: target {target_file} not in the package; foreign key dropped")
            continue
        target = "" if target_file == file_name else resource_name(target_file)
        fks.append({"fields": [col["name"]], "reference": {"resource": target, "fields": [target_col]}})
    if fks:
        schema["foreignKeys"] = fks

    return table_resource(resource_name(file_name), path, schema)


def table_resource(name: str, path: str, schema: dict) -> dict:
    """A CSV file on disk as a Frictionless table resource (UTF-8, an optional BOM, RFC 4180)."""
    return {
        "name": name,
        "type": "table",
        "path": path,
        "scheme": "file",
        "format": "csv",
        "mediatype": "text/csv",
        "encoding": "utf-8-sig",
        "dialect": {"header": True, "csv": {"delimiter": ",", "quoteChar": '"', "doubleQuote": True}},
        "schema": schema,
    }


def manifest_resource(path: str, vspec: dict):
    header = list(vspec["manifest"]["header"])
    fields = [{"name": h, "type": "string"} for h in header]
    fields[0]["constraints"] = {"required": True}
    return table_resource(
        "manifest", path, {"fields": fields, "primaryKey": [header[0]], "missingValues": [""]}
    )


def main(argv) -> int:
    if len(argv) != 3:
        log(__doc__.split("\n\n")[1])
        return 2
    pkg_dir, spec_path, version = os.path.abspath(argv[0]), argv[1], argv[2]
    with open(spec_path, encoding="utf-8") as f:
        spec = json.load(f)
    if version.startswith("_") or version not in spec:
        log(f"unknown version {version!r}; SPEC_JSON has {[k for k in spec if not k.startswith('_')]}")
        return 2
    vspec = spec[version]

    manifest = read_manifest(pkg_dir)
    if manifest.get("oneroster.version") not in (None, version):
        log(f"note: manifest says oneroster.version={manifest.get('oneroster.version')}, validating as {version}")

    csv_files = sorted(n for n in os.listdir(pkg_dir) if n.endswith(".csv"))
    known = [n for n in csv_files if n in vspec["files"]]
    for n in csv_files:
        if n != "manifest.csv" and n not in vspec["files"]:
            log(f"{n}: not a OneRoster {version} file; not validated")
    present = set(known)

    resources = []
    total_bytes = 0
    if "manifest.csv" in csv_files:
        p = os.path.join(pkg_dir, "manifest.csv")
        resources.append(manifest_resource(p, vspec))
        total_bytes += os.path.getsize(p)
    for n in known:
        p = os.path.join(pkg_dir, n)
        fspec = vspec["files"][n]
        mode = manifest.get(fspec.get("manifestProperty", ""))
        if mode not in ("bulk", "delta"):
            log(f"{n}: manifest mode {mode!r}; status/dateLastModified treated as optional")
            mode = None
        resources.append(build_resource(n, p, fspec, vspec, version, mode, present))
        total_bytes += os.path.getsize(p)

    descriptor = {
        "name": "oneroster",
        "title": f"OneRoster {version} CSV package {pkg_dir}",
        "resources": resources,
    }

    tmp = tempfile.mkdtemp(prefix="rostercheck-frictionless-")
    keep = os.environ.get("FRICTIONLESS_BENCH_KEEP") == "1"
    try:
        dp_path = os.path.join(tmp, "datapackage.json")
        with open(dp_path, "w", encoding="utf-8") as f:
            json.dump(descriptor, f, indent=2)
        if keep:
            log(f"datapackage: {dp_path}")

        # This script is itself named frictionless.py and Python puts its
        # folder first on sys.path: drop it so the real package is imported.
        here = os.path.dirname(os.path.abspath(__file__))
        sys.path[:] = [p for p in sys.path if os.path.abspath(p or os.curdir) != here]
        import frictionless
        from frictionless import Package, system

        version_str = getattr(frictionless, "__version__", None)
        if not version_str:
            from importlib.metadata import version as pkg_version
            version_str = pkg_version("frictionless")

        # trusted: the descriptor is ours, and it uses absolute paths, which
        # untrusted mode refuses.
        with system.use_context(trusted=True):
            t0 = time.perf_counter()
            package = Package(dp_path)
            report = package.validate(limit_errors=0, limit_rows=None)
            seconds = time.perf_counter() - t0
    finally:
        if not keep:
            shutil.rmtree(tmp, ignore_errors=True)

    error_types: Counter = Counter()
    samples: dict = {}
    rows = 0
    all_errors = list(report.errors)
    for task in report.tasks:
        rows += int(task.stats.get("rows") or 0)
        for w in task.warnings:
            log(f"{task.name}: warning: {w}")
        all_errors.extend(task.errors)
        for e in task.errors:
            samples.setdefault((task.name, e.type), e.message)
    for e in report.errors:
        samples.setdefault(("package", e.type), e.message)
    for e in all_errors:
        error_types[e.type] += 1
    for w in report.warnings:
        log(f"warning: {w}")
    for (res, etype), msg in sorted(samples.items()):
        log(f"{res}: {etype}: e.g. {msg}")

    peak = rusage.getrusage(rusage.RUSAGE_SELF).ru_maxrss * 1024
    out = {
        "tool": "frictionless",
        "version": version_str,
        "seconds": round(seconds, 3),
        "peakBytes": peak,
        "bytes": total_bytes,
        "rows": rows,
        "valid": bool(report.valid),
        "errors": len(all_errors),
        "errorTypes": dict(sorted(error_types.items())),
    }
    print(json.dumps(out, separators=(",", ":")))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
