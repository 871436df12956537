#!/usr/bin/python3
"""fakeqemu: a stand-in for qemu-system-x86_64 that checks the host side of
the stdio channel (tools/uniplex run, tools/qemu.sh --vport) without the
guest's virtio-console driver: tests/vpipe/pipeline.sh --fake puts it first
in PATH under QEMU's name.

It takes QEMU's arguments, serves the unix-socket chardevs of the
uniplex.stdin and uniplex.stdout virtserialports the way QEMU does
(server=on: listen and wait for one client, as wait=on; server=off:
connect), unpacks the initrd and runs its init program (the -append
command line's init= and the words after --) on the host with fds 0 and 1
on those sockets and fd 2 on this stderr. Then it appends "power-off:
status N" to the serial log (-chardev stdio,...,logfile=F) and exits as
isa-debug-exit would, (2N+1) & 255."""
import os, shlex, signal, socket, subprocess, sys, tempfile


def options(word):
    kind, _, rest = word.partition(',')
    return kind, dict(kv.split('=', 1) for kv in rest.split(',') if '=' in kv)


def parse(args):
    socks, ports, logfile, append, initrd = {}, {}, None, '', None
    for flag, val in zip(args, args[1:]):
        kind, opts = options(val)
        if flag == '-chardev' and kind == 'socket':
            socks[opts['id']] = opts
        elif flag == '-chardev' and 'logfile' in opts:
            logfile = opts['logfile']
        elif flag == '-device' and kind == 'virtserialport':
            ports[opts['name']] = opts['chardev']
        elif flag == '-append':
            append = val
        elif flag == '-initrd':
            initrd = val
    return socks, ports, logfile, append, initrd


def open_chardev(opts):
    s = socket.socket(socket.AF_UNIX)
    if opts.get('server') != 'on':
        s.connect(opts['path'])
        return s
    if os.path.exists(opts['path']):
        os.unlink(opts['path'])
    s.bind(opts['path'])
    s.listen(1)
    c, _ = s.accept()
    s.close()
    return c


def init_argv(append, root):
    words = shlex.split(append)
    init = next(w[5:] for w in words if w.startswith('init='))
    args = words[words.index('--') + 1:] if '--' in words else []
    return [root + init] + args


def main():
    socks, ports, logfile, append, initrd = parse(sys.argv[1:])
    fds = {cid: open_chardev(opts) for cid, opts in socks.items()}  # in order, as QEMU
    with tempfile.TemporaryDirectory() as root:
        with open(initrd, 'rb') as f:
            subprocess.run(['cpio', '-id', '--quiet'], stdin=f, cwd=root, check=True)
        fin, fout = fds[ports['uniplex.stdin']], fds[ports['uniplex.stdout']]
        p = subprocess.run(init_argv(append, root), stdin=fin.fileno(), stdout=fout.fileno())
    status = p.returncode if p.returncode >= 0 else 128 - p.returncode
    if logfile:
        with open(logfile, 'a') as f:
            f.write('power-off: status %d\n' % status)
    sys.exit((2 * status + 1) & 255)


if __name__ == '__main__':
    signal.signal(signal.SIGPIPE, signal.SIG_DFL)
    main()
