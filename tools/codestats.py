#!/usr/bin/env python3
"""Size figures of the kernel's C code: function lengths (median, p90, max)
and file lengths, for the style rules (functions of about 10-40 lines,
files of a few hundred). A function is counted from the line before its
opening brace at column 0 (the signature's last line) to its closing brace
at column 0, both included; a file by its lines. Usage: tools/codestats.py [--top N] [DIR...] (default: kernel
drivers libc)."""
import os
import sys


def functions(path):
    """(name, length) of each function defined in a C file."""
    lines = open(path, errors="replace").read().split("\n")
    out, start, name = [], None, None
    for i, line in enumerate(lines):
        if start is None and line.startswith("{") and i > 0:
            head = lines[i - 1]
            j = i - 1
            while j > 0 and "(" not in head:  # a signature over several lines
                j -= 1
                head = lines[j] + head
            if "(" in head and not head.lstrip().startswith(("struct", "union", "enum", "=")):
                start, name = i, head.split("(")[0].split()[-1].lstrip("*")
        elif start is not None and line.startswith("}"):
            out.append((name, i - start + 2))
            start = None
    return out


def pct(sorted_vals, p):
    return sorted_vals[min(len(sorted_vals) - 1, int(len(sorted_vals) * p))]


def main(argv):
    top = 0
    if argv[:1] == ["--top"]:
        top, argv = int(argv[1]), argv[2:]
    dirs = argv or ["kernel", "drivers", "libc"]
    funcs, files = [], []
    for d in dirs:
        for root, _, names in os.walk(d):
            for n in sorted(names):
                if n.endswith((".c", ".h")):
                    p = os.path.join(root, n)
                    files.append((sum(1 for _ in open(p, errors="replace")), p))
                    funcs += [(length, p, name) for name, length in functions(p)]
    lens = sorted(length for length, _, _ in funcs)
    files.sort()
    print(f"functions: {len(lens)}, lines median {pct(lens, 0.5)}, p90 {pct(lens, 0.9)}, "
          f"max {lens[-1]} ({', '.join(f'{p}:{n}' for l, p, n in funcs if l == lens[-1])})")
    print(f"files: {len(files)}, lines median {pct([n for n, _ in files], 0.5)}, "
          f"max {files[-1][0]} ({files[-1][1]})")
    for length, p, name in sorted(funcs, reverse=True)[:top]:
        print(f"  {length:4d} {p}:{name}")


if __name__ == "__main__":
    main(sys.argv[1:])
