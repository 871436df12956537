/* The vm map: a sorted doubly linked list of regions plus a lookup hint.
 * Every operation that may allocate takes its nodes up front, so the commit
 * phase that follows cannot fail and failures change nothing. */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "errno.h"
#include "kernel/mm/kmalloc.h"
#include "kernel/mm/vmregion.h"
#include "kernel/panic.h"

static bool mergeable(const struct vm_region *a, const struct vm_region *b)
{
    return a->end == b->start && a->kind == VM_ANON && b->kind == VM_ANON && a->prot == b->prot &&
           a->flags == b->flags && mpol_equal(&a->pol, &b->pol);
}

static struct vm_region *region_alloc(void)
{
    return kmalloc(sizeof(struct vm_region));
}

/* n, a new VM_FILE node of m, joins its object's list and holds it. */
static void obj_attach(struct vm_map *m, struct vm_region *n)
{
    struct vm_object *o = n->obj;

    n->map = m;
    n->obj_prev = NULL;
    n->obj_next = o->regions;
    if (o->regions)
        o->regions->obj_prev = n;
    o->regions = n;
    o->pager->hold(o);
}

/* r, a VM_FILE node about to be freed, leaves its object (which may go). */
static void obj_detach(struct vm_region *r)
{
    struct vm_object *o = r->obj;

    if (r->obj_prev)
        r->obj_prev->obj_next = r->obj_next;
    else
        o->regions = r->obj_next;
    if (r->obj_next)
        r->obj_next->obj_prev = r->obj_prev;
    o->pager->drop(o);
}

/* Link n into m after prev (at the head if prev is NULL). */
static void link_after(struct vm_map *m, struct vm_region *prev, struct vm_region *n)
{
    n->prev = prev;
    n->next = prev ? prev->next : m->head;
    if (n->next)
        n->next->prev = n;
    if (prev)
        prev->next = n;
    else
        m->head = n;
    m->count++;
}

static void unlink_free(struct vm_map *m, struct vm_region *r)
{
    if (r->prev)
        r->prev->next = r->next;
    else
        m->head = r->next;
    if (r->next)
        r->next->prev = r->prev;
    if (m->hint == r)
        m->hint = NULL;
    KASSERT(m->count > 0);
    m->count--;
    if (r->kind == VM_FILE)
        obj_detach(r);
    kfree(r);
}

/* Move r's start up to addr, keeping file backing in step. */
static void cut_front(struct vm_region *r, uint64_t addr)
{
    if (r->kind == VM_FILE)
        r->pgoff += (addr - r->start) / PAGE_SIZE;
    r->start = addr;
}

/* Split r at addr (r->start < addr < r->end) using node n, which becomes
 * [addr, end) right after r. Returns n. */
static struct vm_region *split_at(struct vm_map *m, struct vm_region *r, uint64_t addr,
                                  struct vm_region *n)
{
    KASSERT(n && r->start < addr && addr < r->end);
    *n = *r;
    cut_front(n, addr);
    r->end = addr;
    link_after(m, r, n);
    if (n->kind == VM_FILE)
        obj_attach(m, n);
    return n;
}

/* Merge r with its successor; r grows, the successor is freed. */
static void absorb_next(struct vm_map *m, struct vm_region *r)
{
    struct vm_region *n = r->next;

    r->end = n->end;
    unlink_free(m, n);
}

/* Merge every mergeable touching pair from r up to the first region that
 * starts at or after end. */
static void merge_from(struct vm_map *m, struct vm_region *r, uint64_t end)
{
    while (r && r->start < end) {
        if (r->next && mergeable(r, r->next))
            absorb_next(m, r);
        else
            r = r->next;
    }
}

/* The first region ending above addr (it contains addr or lies above it),
 * or NULL; *prevp (if not NULL) gets its predecessor, or the last region
 * when there is none above. Starts from the hint when the hint lies wholly
 * below addr. */
static struct vm_region *first_above(const struct vm_map *m, uint64_t addr,
                                     struct vm_region **prevp)
{
    struct vm_region *prev = NULL, *r = m->head;

    if (m->hint && m->hint->end <= addr) {
        prev = m->hint;
        r = prev->next;
    }
    while (r && r->end <= addr) {
        prev = r;
        r = r->next;
    }
    if (prevp)
        *prevp = prev;
    return r;
}

void vm_map_init(struct vm_map *m, uint64_t lo, uint64_t hi)
{
    KASSERT(page_aligned(lo) && page_aligned(hi) && lo < hi);
    m->head = NULL;
    m->hint = NULL;
    m->count = 0;
    m->lo = lo;
    m->hi = hi;
}

/* Kind, flags and backing agree: VM_FILE has an object, only a shared one
 * may be VM_RDONLY and only a private one end its bytes early. */
static bool backing_valid(const struct vm_region *r)
{
    if ((r->flags & ~VM_FLAGS) != 0 || r->kind > VM_STACK)
        return false;
    if (r->kind != VM_FILE)
        return !(r->flags & VM_RDONLY);
    if (r->flags & VM_SHARED)
        return r->obj && !r->zero_from;
    return r->obj && !(r->flags & VM_RDONLY);
}

static bool region_valid(const struct vm_map *m, const struct vm_region *r)
{
    return page_aligned(r->start) && page_aligned(r->end) && r->start < r->end &&
           r->start >= m->lo && r->end <= m->hi && (r->prot & ~(uint32_t)VM_PROT_MASK) == 0 &&
           backing_valid(r);
}

/* Try to place tmpl by growing a neighbour instead of adding a node. */
static bool insert_by_merge(struct vm_map *m, struct vm_region *prev, struct vm_region *next,
                            const struct vm_region *tmpl)
{
    if (prev && mergeable(prev, tmpl)) {
        prev->end = tmpl->end;
        if (next && mergeable(prev, next))
            absorb_next(m, prev);
        return true;
    }
    if (next && mergeable(tmpl, next)) {
        next->start = tmpl->start;
        return true;
    }
    return false;
}

int vm_map_insert(struct vm_map *m, const struct vm_region *r)
{
    if (!region_valid(m, r))
        return -EINVAL;
    struct vm_region tmpl = *r;
    if (tmpl.kind != VM_FILE) {
        tmpl.obj = NULL;
        tmpl.pgoff = tmpl.zero_from = 0;
    }

    struct vm_region *prev;
    struct vm_region *next = first_above(m, tmpl.start, &prev);
    if (next && next->start < tmpl.end)
        return -EEXIST;
    if (insert_by_merge(m, prev, next, &tmpl))
        return 0;

    struct vm_region *n = m->count < VM_MAP_MAX ? region_alloc() : NULL;
    if (!n)
        return -ENOMEM;
    *n = tmpl;
    link_after(m, prev, n);
    if (n->kind == VM_FILE)
        obj_attach(m, n);
    return 0;
}

struct vm_region *vm_map_find(struct vm_map *m, uint64_t addr)
{
    struct vm_region *r = m->hint;

    if (r && r->start <= addr && addr < r->end)
        return r;
    r = first_above(m, addr, NULL);
    if (!r || r->start > addr)
        return NULL;
    m->hint = r;
    return r;
}

struct vm_region *vm_map_next(struct vm_map *m, uint64_t addr)
{
    return first_above(m, addr, NULL);
}

bool vm_map_meets(struct vm_map *m, uint64_t start, uint64_t end)
{
    const struct vm_region *r = first_above(m, start, NULL);
    return r && r->start < end;
}

int vm_map_find_gap(struct vm_map *m, uint64_t hint, uint64_t len, uint64_t *addr)
{
    if (len == 0 || !page_aligned(len))
        return -EINVAL;
    uint64_t at = hint < m->lo ? m->lo : hint;
    if (at > UINT64_MAX - PAGE_OFFSET_MASK)
        return -ENOMEM;
    at = page_round_up(at);

    for (struct vm_region *r = first_above(m, at, NULL);; r = r->next) {
        uint64_t limit = r ? r->start : m->hi;
        if (at <= limit && limit - at >= len) {
            *addr = at;
            return 0;
        }
        if (!r)
            return -ENOMEM;
        if (r->end > at)
            at = r->end;
    }
}

/* Drop the part of r inside [start, end), reporting it to cb first. A split
 * consumes *spare. */
static void remove_piece(struct vm_map *m, struct vm_region *r, uint64_t start, uint64_t end,
                         struct vm_region **spare, vm_unmap_cb *cb, void *arg)
{
    uint64_t s = r->start > start ? r->start : start;
    uint64_t e = r->end < end ? r->end : end;

    if (cb)
        cb(arg, s, e, r);
    if (r->start >= start && r->end <= end) {
        unlink_free(m, r);
    } else if (r->start < start && r->end > end) {
        split_at(m, r, end, *spare);
        *spare = NULL;
        r->end = start;
    } else if (r->start < start) {
        r->end = start;
    } else {
        cut_front(r, end);
    }
}

int vm_map_remove(struct vm_map *m, uint64_t start, uint64_t end, vm_unmap_cb *cb, void *arg)
{
    if (!page_aligned(start) || !page_aligned(end) || start >= end)
        return -EINVAL;
    struct vm_region *r = first_above(m, start, NULL);
    struct vm_region *spare = NULL;

    if (r && r->start < start && r->end > end) {
        spare = m->count < VM_MAP_MAX ? region_alloc() : NULL;
        if (!spare)
            return -ENOMEM;
    }
    while (r && r->start < end) {
        struct vm_region *next = r->next;
        remove_piece(m, r, start, end, &spare, cb, arg);
        r = next;
    }
    KASSERT(spare == NULL);
    return 0;
}

/* The region holding end - 1 if r (which holds start) and its successors
 * cover [start, end) without a hole, else NULL. */
static struct vm_region *covering_last(struct vm_region *r, uint64_t start, uint64_t end)
{
    uint64_t at = start;

    for (; r && r->start <= at; r = r->next) {
        if (r->end >= end)
            return r;
        at = r->end;
    }
    return NULL;
}

bool vm_map_covers(struct vm_map *m, uint64_t start, uint64_t end)
{
    return covering_last(first_above(m, start, NULL), start, end) != NULL;
}

/* Allocate n (0..2) nodes into v; all or nothing. */
static int alloc_nodes(struct vm_region **v, unsigned n)
{
    for (unsigned i = 0; i < n; i++) {
        v[i] = region_alloc();
        if (!v[i]) {
            while (i > 0)
                kfree(v[--i]);
            return -ENOMEM;
        }
    }
    return 0;
}

/* What a change of [start, end) makes of a region: prot (VM_PROT_KEEP:
 * its own), its flags with lock set or cleared (-1: kept) and its policy
 * (NULL: kept). */
#define VM_PROT_KEEP 0xffffffffu
struct change {
    uint32_t prot;
    int lock;
    const struct vm_policy *pol;
};

static void change_apply(struct vm_region *r, const struct change *c)
{
    if (c->prot != VM_PROT_KEEP)
        r->prot = c->prot;
    if (c->lock >= 0)
        r->flags = (uint16_t)(c->lock ? r->flags | VM_LOCKED : r->flags & ~VM_LOCKED);
    if (c->pol)
        r->pol = *c->pol;
}

static bool change_needed(const struct vm_region *r, const struct change *c)
{
    struct vm_region after = *r;
    change_apply(&after, c);
    return after.prot != r->prot || after.flags != r->flags || !mpol_equal(&after.pol, &r->pol);
}

/* Apply c to the regions meeting [start, end) (start < end, aligned),
 * splitting those crossing its ends (unless the change leaves them as
 * they are) and merging touching VM_ANON neighbours afterwards. 0 or
 * -ENOMEM, with nothing changed. */
static int map_change(struct vm_map *m, uint64_t start, uint64_t end, const struct change *c)
{
    struct vm_region *first = first_above(m, start, NULL);
    if (!first || first->start >= end)
        return 0;
    struct vm_region *last = first;
    while (last->next && last->next->start < end)
        last = last->next;
    bool split_first = first->start < start && change_needed(first, c);
    bool split_last = last->end > end && change_needed(last, c);
    struct vm_region *nodes[2];
    unsigned used = 0;
    if (m->count + split_first + split_last > VM_MAP_MAX ||
        alloc_nodes(nodes, split_first + split_last) < 0)
        return -ENOMEM;

    /* Split the far end first: first stays valid even when first == last. */
    if (split_last)
        split_at(m, last, end, nodes[used++]);
    if (split_first)
        first = split_at(m, first, start, nodes[used++]);
    for (struct vm_region *r = first; r && r->start < end; r = r->next)
        change_apply(r, c); /* a region left whole across an end needs none */
    merge_from(m, first->prev ? first->prev : first, end);
    return 0;
}

int vm_map_protect(struct vm_map *m, uint64_t start, uint64_t end, uint32_t prot)
{
    if (!page_aligned(start) || !page_aligned(end) || start > end || (prot & ~VM_PROT_MASK))
        return -EINVAL;
    if (start == end)
        return 0;
    struct vm_region *first = first_above(m, start, NULL);
    struct vm_region *last = covering_last(first, start, end);
    if (!last)
        return -ENOMEM;
    for (struct vm_region *r = first; (prot & VM_PROT_WRITE) && r != last->next; r = r->next)
        if (r->flags & VM_RDONLY)
            return -EACCES;
    return map_change(m, start, end, &(struct change){prot, -1, NULL});
}

int vm_map_lock(struct vm_map *m, uint64_t start, uint64_t end, bool on)
{
    if (!page_aligned(start) || !page_aligned(end) || start > end)
        return -EINVAL;
    return start == end ? 0 : map_change(m, start, end, &(struct change){VM_PROT_KEEP, on, NULL});
}

int vm_map_set_policy(struct vm_map *m, uint64_t start, uint64_t end, const struct vm_policy *pol)
{
    if (!page_aligned(start) || !page_aligned(end) || start > end)
        return -EINVAL;
    return start == end ? 0 : map_change(m, start, end, &(struct change){VM_PROT_KEEP, -1, pol});
}

void vm_map_destroy(struct vm_map *m, vm_unmap_cb *cb, void *arg)
{
    while (m->head) {
        struct vm_region *r = m->head;
        if (cb)
            cb(arg, r->start, r->end, r);
        unlink_free(m, r);
    }
    KASSERT(m->count == 0 && m->hint == NULL);
}

int vm_map_copy(struct vm_map *dst, const struct vm_map *src)
{
    struct vm_region *tail = NULL;

    vm_map_init(dst, src->lo, src->hi);
    for (const struct vm_region *r = src->head; r; r = r->next) {
        struct vm_region *n = region_alloc();
        if (!n) {
            vm_map_destroy(dst, NULL, NULL);
            return -ENOMEM;
        }
        *n = *r;
        link_after(dst, tail, n);
        if (n->kind == VM_FILE)
            obj_attach(dst, n);
        tail = n;
    }
    return 0;
}
