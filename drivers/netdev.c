#include <stddef.h>
#include "errno.h"
#include "string.h"
#include "drivers/netdev.h"

static struct netdev *devices;
static unsigned ndevices;
static void (*kick_hook)(struct netdev *nd);

int netdev_register(struct netdev *nd)
{
    if (!nd->ops || !nd->ops->xmit || !nd->ops->poll)
        return -EINVAL;
    /* "eth" and at most two digits: name[8] holds it. */
    unsigned i = ndevices++;
    memcpy(nd->name, "eth", 3);
    if (i >= 10) {
        nd->name[3] = (char)('0' + i / 10 % 10);
        nd->name[4] = (char)('0' + i % 10);
        nd->name[5] = 0;
    } else {
        nd->name[3] = (char)('0' + i);
        nd->name[4] = 0;
    }
    nd->next = NULL;
    struct netdev **pp = &devices;
    while (*pp)
        pp = &(*pp)->next;
    *pp = nd;
    return 0;
}

struct netdev *netdev_list(void)
{
    return devices;
}

void netdev_kick(struct netdev *nd)
{
    if (kick_hook)
        kick_hook(nd);
}

void netdev_set_kick(void (*hook)(struct netdev *nd))
{
    kick_hook = hook;
}
