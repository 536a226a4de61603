#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""The layout of alter.h's public structs and the values of its constants against the committed
list (tests/abi/layout.list, taken on x86_64).

    check_layout.py LAYOUT_PROGRAM ALTER_H LAYOUT_LIST

LAYOUT_PROGRAM (layout.c) prints "key = value" lines: every struct's size, every field's offset
and size, every constant's value, what every _INIT macro fills in. This fails when:
- a listed entry is gone or has another value (a moved or resized field, a renumbered code);
  the only changes allowed are growth of a struct's size and of ALTER_STATE_COUNT, which come
  with new entries (fields, states) appended;
- the program prints an entry that is not listed yet: append it to the list in the same change,
  so that a later change of it is caught;
- alter.h has a struct field, an integer #define, an enum member or an _INIT macro that the
  program does not print: add it to layout.c.
"""
import re
import subprocess
import sys

# The release number changes with every release; the soname carries the ABI.
EXEMPT = {"ALTER_VERSION_MAJOR", "ALTER_VERSION_MINOR", "ALTER_VERSION_PATCH"}
NOT_VALUES = {"ALTER_API"}
INT = re.compile(r"^\(?(-?(?:0x[0-9a-fA-F]+|\d+))[uU]?\)?$")


def parse(lines, where):
    out = {}
    for n, line in enumerate(lines, 1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        key, sep, value = line.partition(" = ")
        if not sep or key in out:
            sys.exit(f"{where}:{n}: malformed or repeated line: {line!r}")
        out[key] = value
    return out


def may_grow(key):
    return (key.startswith("sizeof ") and "." not in key) or key == "value ALTER_STATE_COUNT"


def header_names(text):
    """What alter.h declares: {struct: [fields]}, {constant: value}, {init struct}."""
    text = re.sub(r"/\*.*?\*/", "", text, flags=re.S)
    text = re.sub(r"//[^\n]*", "", text)
    text = text.replace("\\\n", " ")
    structs = {}
    for m in re.finditer(r"typedef\s+struct\s+\w+\s*\{(.*?)\}\s*(\w+)\s*;", text, re.S):
        fields = [re.search(r"(\w+)\s*$", d.strip()).group(1) for d in m.group(1).split(";") if d.strip()]
        structs[m.group(2)] = fields
    values, inits, unknown = {}, set(), []
    for m in re.finditer(r"^[ \t]*#[ \t]*define[ \t]+(ALTER_\w+)[ \t]+([^\n]+)$", text, re.M):
        name, value = m.group(1), m.group(2).strip()
        if name in EXEMPT or name in NOT_VALUES:
            continue
        if name.endswith("_INIT") and value.startswith("{"):
            inits.add(name[:-len("_INIT")].lower() + "_t")
        elif INT.match(value):
            values[name] = int(INT.match(value).group(1), 0)
        else:
            unknown.append(name)
    for body in re.findall(r"\benum\s+\w+\s*\{(.*?)\}", text, re.S):
        for name, value in re.findall(r"\b(ALTER_\w+)\s*=\s*\(?(-?\w+)\)?", body):
            values[name] = int(value, 0)
    for name, value in re.findall(r"\bX\(\s*(\w+)\s*,\s*(-?\d+)\s*,", text):
        values["ALTER_" + name] = int(value)
    return structs, values, inits, unknown


def main():
    program, header, listed_path = sys.argv[1:4]
    out = subprocess.run([program], check=True, capture_output=True, text=True).stdout
    actual = parse(out.splitlines(), program)
    with open(listed_path) as f:
        listed = parse(f.read().splitlines(), listed_path)
    with open(header) as f:
        structs, values, inits, unknown = header_names(f.read())

    problems = [f"alter.h: #define {n} is neither an integer nor an _INIT macro: teach check_layout.py"
                for n in unknown]
    # 1. Everything alter.h declares is printed by layout.c (and layout.c agrees with the header).
    for struct, fields in structs.items():
        if f"sizeof {struct}" not in actual:
            problems.append(f"layout.c does not print struct {struct}: add STRUCT() and FIELD() lines")
        for field in fields:
            if f"offsetof {struct}.{field}" not in actual:
                problems.append(f"layout.c does not print {struct}.{field}: add a FIELD() line")
            if struct in inits and field != "struct_size" and f"init {struct}.{field}" not in actual:
                problems.append(f"layout.c does not print what the _INIT macro gives {struct}.{field}")
    for name, value in values.items():
        got = actual.get(f"value {name}")
        if got is None:
            problems.append(f"layout.c does not print {name}: add a VALUE() line")
        elif int(got) != value:
            problems.append(f"layout.c prints {name} = {got}, alter.h says {value}")
    # 2. Nothing listed is gone or changed (growth of a struct size is allowed but still listed).
    for key, want in listed.items():
        got = actual.get(key)
        if got is None:
            problems.append(f"removed from the ABI: {key} (was {want})")
        elif got != want:
            if may_grow(key) and int(got) > int(want):
                problems.append(f"{key} grew from {want} to {got}: allowed for appended fields; update {listed_path}")
            else:
                problems.append(f"changed: {key} = {got}, released as {want}")
    # 3. New entries are appended to the list in the same change.
    for key in actual.keys() - listed.keys():
        problems.append(f"new entry not yet in {listed_path}: {key} = {actual[key]}")

    for p in problems:
        print(p)
    print(f"{len(actual)} entries printed, {len(listed)} listed, {len(problems)} problems")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
