/* In-kernel tests of the virtio-console control path (selftest=vcons):
 * malformed control messages, as a broken or hostile device could send,
 * are ignored and counted, and change no port. tests/run.sh boots it with
 * one virtio-serial device and two ports: port 1 named "uniplex.t" and
 * port 2 unnamed (so a name can still be given). The messages go straight
 * into the handler the control queue feeds. */
#include <stdint.h>
#include "string.h"
#include "kernel/ktest.h"
#include "drivers/vcons_test.h"
#include "drivers/virtio_console.h"

#define MSG_HDR 8 /* struct virtio_console_control */

/* Hand the handler one message: header (id, event, value) and extra bytes;
 * 1 when it was counted as malformed. */
static int inject(struct vcons *vc, uint32_t id, uint16_t event, uint16_t value, const void *extra,
                  uint32_t elen, uint32_t len)
{
    uint8_t buf[MSG_HDR + 128];
    memcpy(buf, &id, 4);
    memcpy(buf + 4, &event, 2);
    memcpy(buf + 6, &value, 2);
    if (elen)
        memcpy(buf + MSG_HDR, extra, elen);
    uint64_t before = vc->bad_ctrl;
    vcons_ctl_handle(vc, buf, len ? len : MSG_HDR + elen);
    return vc->bad_ctrl == before + 1;
}

static void bad(struct vcons *vc, const char *name, uint32_t id, uint16_t event, uint16_t value,
                const char *extra, uint32_t len)
{
    uint32_t elen = extra ? (uint32_t)strlen(extra) : 0;
    ktest_result(name, inject(vc, id, event, value, extra, elen, len) ? 0 : "not counted");
}

/* Names a device may not give: each counted, the port stays unnamed. */
static void bad_names(struct vcons *vc, struct vport *p)
{
    char longname[VPORT_NAME_MAX + 8];
    memset(longname, 'n', sizeof(longname) - 1);
    longname[sizeof(longname) - 1] = 0;
    bad(vc, "vcons/name-slash", p->id, 7, 1, "a/b", 0);
    bad(vc, "vcons/name-dot", p->id, 7, 1, ".", 0);
    bad(vc, "vcons/name-dotdot", p->id, 7, 1, "..", 0);
    bad(vc, "vcons/name-empty", p->id, 7, 1, "", 0);
    bad(vc, "vcons/name-long", p->id, 7, 1, longname, 0);
    ktest_result("vcons/name-nul",
                 inject(vc, p->id, 7, 1, "x\0y", 3, 0) ? 0 : "a name with a NUL inside");
    ktest_result("vcons/still-unnamed", p->name[0] == 0 ? 0 : "a bad name was kept");
    ktest_result("vcons/name-ok",
                 !inject(vc, p->id, 7, 1, "okname", 6, 0) && strcmp(p->name, "okname") == 0
                     ? 0
                     : "a good name refused");
    bad(vc, "vcons/name-twice", p->id, 7, 1, "other", 0);
}

int vcons_selftest(void)
{
    struct vport *named = vport_by_minor(1), *unnamed = vport_by_minor(2);
    ktest_result("vcons/ports", named && unnamed && strcmp(named->name, "uniplex.t") == 0
                                    ? 0
                                    : "ports 1 (uniplex.t) and 2 not found");
    if (!named || !unnamed)
        return ktest_end("vcons");
    struct vcons *vc = named->vc;
    bad(vc, "vcons/short", 1, 6, 1, 0, 4);
    bad(vc, "vcons/unknown-event", 1, 99, 0, 0, 0);
    bad(vc, "vcons/no-such-port", 1000, 6, 1, 0, 0);
    bad(vc, "vcons/port-past-max", VCONS_MAX_PORTS, 0 + 1, 0, 0, 0);
    bad(vc, "vcons/add-twice", 1, 1, 0, 0, 0);
    bad(vc, "vcons/open-value", 1, 6, 2, 0, 0);
    int was = named->host_open;
    ktest_result("vcons/open-kept", named->host_open == was ? 0 : "host state changed");
    ktest_result("vcons/open-good", !inject(vc, 1, 6, (uint16_t)was, 0, 0, 0) ? 0 : "refused");
    bad_names(vc, unnamed);
    ktest_result("vcons/remove", !inject(vc, 2, 2, 0, 0, 0, 0) && unnamed->gone ? 0 : "refused");
    bad(vc, "vcons/after-remove", 2, 6, 1, 0, 0);
    ktest_result("vcons/device-alive", !vc->dead ? 0 : "the device was reset");
    return ktest_end("vcons");
}
