#!/usr/bin/env python3
"""Write the fuzzers' seed inputs (fuzz/seeds/<target>/) from the clean base packages and the
sample district, in the byte layouts the drivers in crates/rostercheck-cli/src/fuzzing.rs read."""
import io, os, zipfile

root = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
kinds = ["manifest.csv", "orgs.csv", "academicSessions.csv", "courses.csv", "classes.csv", "users.csv",
         "userProfiles.csv", "roles.csv", "enrollments.csv", "demographics.csv", "categories.csv",
         "resources.csv", "classResources.csv", "courseResources.csv", "userResources.csv", "lineItems.csv",
         "results.csv", "scoreScales.csv", "lineItemScoreScales.csv", "resultScoreScales.csv",
         "lineItemLearningObjectiveIds.csv", "resultLearningObjectiveIds.csv"]
bases = [os.path.join(root, "crates/rostercheck-core/tests/fixtures", b) for b in ("base-1.1", "base-1.2")]

def out(target, name, data):
    d = os.path.join(root, "fuzz", "seeds", target)
    os.makedirs(d, exist_ok=True)
    open(os.path.join(d, name), "wb").write(data)

for base in bases:
    tag = os.path.basename(base)
    files = {f: open(os.path.join(base, f), "rb").read() for f in sorted(os.listdir(base))}
    for f, data in files.items():
        out("session", f"{tag}-{f}", bytes([kinds.index(f), 7]) + data)
    out("package", tag, bytes([3]) + b"\xff".join(bytes([kinds.index(f)]) + d for f, d in files.items()))
    out("manifest", tag, files["manifest.csv"])
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for f, d in files.items():
            z.writestr(f, d)
    out("zip", tag + ".zip", buf.getvalue())
print("seeds written")
