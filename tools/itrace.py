# itrace.py: the two halves of tools/itrace.
#  - inside gdb (gdb -x itrace.py KERNEL, settings in ITRACE_* variables):
#    stop at ITRACE_AT the (ITRACE_SKIP+1)th time, single-step until it is
#    reached again (or ITRACE_MAX instructions), write each PC to ITRACE_OUT;
#  - `python3 itrace.py report PCS KERNEL PROGRAM SEQ`: the count per
#    function, kernel symbols first, the program's marked "u:".
import bisect
import collections
import os
import subprocess
import sys
import time


def trace():
    import gdb

    gdb.execute("set pagination off")
    for _ in range(100):  # QEMU takes a moment to listen
        try:
            gdb.execute("target remote 127.0.0.1:%s" % os.environ["ITRACE_PORT"])
            break
        except gdb.error:
            time.sleep(0.1)
    at = os.environ["ITRACE_AT"]
    gdb.execute("break %s" % at)
    for _ in range(int(os.environ["ITRACE_SKIP"]) + 1):
        gdb.execute("continue")
    start = int(gdb.parse_and_eval("$pc"))
    gdb.execute("delete")
    limit = int(os.environ["ITRACE_MAX"])
    pcs = []
    while len(pcs) < limit:
        gdb.execute("stepi", to_string=True)
        pc = int(gdb.parse_and_eval("$pc"))
        pcs.append(pc)
        if pc == start:
            break
    with open(os.environ["ITRACE_OUT"], "w") as f:
        f.writelines("%x\n" % pc for pc in pcs)
    gdb.execute("kill")


def symbols(elf):
    out = subprocess.run(["nm", "-n", elf], capture_output=True, text=True).stdout
    syms = []
    for line in out.splitlines():
        parts = line.split()
        if len(parts) == 3 and parts[1] in "tTwW":
            syms.append((int(parts[0], 16), parts[2]))
    return [a for a, _ in syms], [n for _, n in syms]


def report(pcs_file, kernel, program, seq):
    tables = [(symbols(kernel), ""), (symbols(program), "u:")]

    def name(pc):
        for (addrs, names), tag in tables:
            i = bisect.bisect_right(addrs, pc) - 1
            # kernel code is in the upper half, the program's in the lower
            if i >= 0 and (pc >= 1 << 63) == (tag == ""):
                return tag + names[i]
        return "?%x" % pc

    names = [name(int(line, 16)) for line in open(pcs_file)]
    print("instructions: %d" % len(names))
    for fn, n in collections.Counter(names).most_common():
        print("%7d  %s" % (n, fn))
    if seq == "1":
        runs = []
        for fn in names:
            if runs and runs[-1][0] == fn:
                runs[-1][1] += 1
            else:
                runs.append([fn, 1])
        print("sequence: " + " ".join("%s:%d" % (fn, n) for fn, n in runs))


if len(sys.argv) > 1 and sys.argv[1] == "report":
    report(*sys.argv[2:6])
else:
    trace()
