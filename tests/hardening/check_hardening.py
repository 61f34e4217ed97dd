#!/usr/bin/env python3
"""Checks Debian's hardening on every binary and module the build produced.

Usage: check_hardening.py <build dir>

Compile flags: every translation unit in compile_commands.json is built with -D_FORTIFY_SOURCE=2,
-fstack-protector-strong, -Wformat, -Werror=format-security and -fPIC/-fPIE, and the compiler
recorded the stack protector and PIC in the debug info (DW_AT_producer) of every ELF file.
Link flags, read with readelf: executables are PIE, everything has full RELRO (GNU_RELRO and
BIND_NOW), no text relocations and a non-executable stack; fortified calls (__*_chk) appear
wherever a fortifiable function is called (at least in the host).
"""
import json
import subprocess
import sys
from pathlib import Path

COMPILE_FLAGS = ["-D_FORTIFY_SOURCE=2", "-fstack-protector-strong", "-Wformat",
                 "-Werror=format-security"]


def readelf(*args):
    return subprocess.run(["readelf", "--wide", *args], check=True, capture_output=True,
                          text=True).stdout


def is_elf(path):
    with open(path, "rb") as f:
        return f.read(4) == b"\x7fELF"


def built_files(build):
    files = [p for p in (build / "bin").glob("*") if p.is_file()]
    files += [p for p in (build / "lib").rglob("*.so*") if p.is_file() and not p.is_symlink()]
    files += [build / "module-generator" / "kurento-module-creator"]
    return sorted(p for p in files if p.exists() and is_elf(p))


def check_elf(path):
    problems = []
    header = readelf("--file-header", str(path))
    segments = readelf("--program-headers", str(path))
    dynamic = readelf("--dynamic", str(path))
    if "DYN" not in next(l for l in header.splitlines() if "Type:" in l):
        problems.append("not position-independent (ELF type is not DYN)")
    if path.parent.name == "bin" and "PIE" not in dynamic:
        problems.append("executable is not PIE (no DF_1_PIE)")
    if "GNU_RELRO" not in segments:
        problems.append("no RELRO segment (link with -z relro)")
    if "BIND_NOW" not in dynamic and " NOW" not in dynamic:
        problems.append("no BIND_NOW (link with -z now)")
    if "TEXTREL" in dynamic:
        problems.append("has text relocations")
    stack = [l for l in segments.splitlines() if "GNU_STACK" in l]
    if not stack or "RWE" in stack[0]:
        problems.append("executable stack")
    symbols = readelf("--dyn-syms", str(path))
    if "__stack_chk_fail" not in symbols:
        problems.append("no stack protector (__stack_chk_fail not referenced)")
    producers = readelf("--debug-dump=info", str(path)) if "debug_info" in readelf("-S", str(path)) else ""
    for line in producers.splitlines():
        if "DW_AT_producer" in line and "GNU C" in line:
            if "-fstack-protector-strong" not in line or ("-fPIC" not in line and "-fPIE" not in line):
                problems.append(f"a unit was compiled without the flags: {line.split(':', 1)[-1].strip()[:160]}")
                break
    return problems


def check_compile_commands(build):
    problems = []
    commands = json.loads((build / "compile_commands.json").read_text())
    for entry in commands:
        command = entry.get("command") or " ".join(entry.get("arguments", []))
        missing = [f for f in COMPILE_FLAGS if f not in command]
        if "-fPIC" not in command and "-fPIE" not in command:
            missing.append("-fPIC")
        if missing:
            problems.append(f"{entry['file']}: compiled without {' '.join(missing)}")
    return problems, len(commands)


def main():
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    build = Path(sys.argv[1])
    problems, units = check_compile_commands(build)
    files = built_files(build)
    if not any(f.name == "kurento-media-server" for f in files):
        problems.append("kurento-media-server was not found in bin/")
    if not list((build / "lib" / "kurento" / "modules").glob("*.so")):
        problems.append("no module found in lib/kurento/modules")
    fortified = [f.name for f in files if "_chk@" in readelf("--dyn-syms", str(f))]
    if not fortified:
        problems.append("no file calls a fortified function (__*_chk): _FORTIFY_SOURCE is not in effect")
    for path in files:
        found = check_elf(path)
        status = "ok" if not found else "FAIL"
        print(f"{status:4} {path.relative_to(build)}")
        problems += [f"{path.relative_to(build)}: {p}" for p in found]
    print(f"{units} translation units and {len(files)} ELF files checked; fortified calls in "
          f"{', '.join(fortified) or 'none'} (the others call no fortifiable function)")
    for problem in problems:
        print(f"FAIL: {problem}")
    sys.exit(1 if problems else 0)


if __name__ == "__main__":
    main()
