#!/usr/bin/env python3
"""Rebuild examples/sample-district: a generated 1.1 district with a handful of realistic
defects, the ones district files really ship with. Usage: tools/make_sample.py (from the repo
root, after `cargo build --release -p rostercheck-cli`)."""
import os, shutil, subprocess

out = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "examples", "sample-district")
shutil.rmtree(out, ignore_errors=True)
subprocess.run(["target/release/rostercheck", "generate", "--out", out, "--students", "650",
                "--oneroster", "1.1", "--seed", "11"], check=True)

def edit(name, fn):
    path = os.path.join(out, name)
    lines = open(path, "rb").read().split(b"\n")
    fn(lines)
    open(path, "wb").write(b"\n".join(lines))

def orgs(lines):
    # The second school is not attached to the district.
    f = lines[3].split(b",")
    f[-1] = b""
    lines[3] = b",".join(f)

def users(lines):
    done = []
    for i, l in enumerate(lines):
        if l.startswith(b"stu-") and l.endswith(b",07,") and not done:
            lines[i] = l[:-4] + b",7,"                          # Excel stripped the zero
            done.append(i)
        if l.startswith(b"stu-0000040,"):
            lines[i] = l.replace(b",true,", b",TRUE,", 1)       # Excel upper-cased the boolean
        if l.startswith(b"stu-0000101,"):
            f = l.split(b",")
            f[8] = b"Jos\xe9"                                   # saved as Windows-1252
            lines[i] = b",".join(f)
        if l.startswith(b"tch-000007,"):
            f = l.split(b",")
            f[9] = f[9] + b", Jr."                              # an unquoted comma in a name
            lines[i] = b",".join(f)

def sessions(lines):
    f = lines[4].split(b",")
    f[5] = b"11/2/2026"                                         # a US date
    lines[4] = b",".join(f)

def enrollments(lines):
    for i in (120, 121, 122):
        f = lines[i].split(b",")
        f[3] = b"cls-000999"                                    # a class that was not exported
        lines[i] = b",".join(f)

def demographics(lines):
    lines[5] = lines[5].replace(b",female,", b",F,").replace(b",male,", b",M,")

edit("orgs.csv", orgs)
edit("users.csv", users)
edit("academicSessions.csv", sessions)
edit("enrollments.csv", enrollments)
edit("demographics.csv", demographics)
print("wrote", out)
