/* The page cache: a regular file's data as pages found by page index.
 *
 * A file with data has a struct pcache (vn->pages): a radix tree of the
 * pages it owns (64 slots a node, as many levels as the largest index
 * needs; at height 0 the root is index 0's page itself, so a one-page
 * file needs no node), and possibly a source: bytes left in place (the
 * initrd's, whose archive page-aligns file data) that read through the
 * cache without a copy. A whole page of the source is handed out as it is,
 * read-only (its frame is not counted by the allocator and never freed);
 * the first write to it, or any use of a partial one (the file's last
 * page, whose bytes past the end are the archive's next header), puts a
 * copy in the tree. The tree wins over the source; past both is a hole,
 * which reads as zeros until something writes it.
 *
 * Invariants: the source never reaches past vn->size (pc_truncate clips
 * it); the bytes of the last page past vn->size are zero whenever the file
 * grows over them (a shared mapping may store there: growing calls
 * pc_truncate with the old size first, which zeroes them).
 *
 * The cache is also the vm_object file mappings map (vmobject.h): its
 * pager hands out these pages, and its list of regions is how truncation
 * and copy-on-write find the mappings to take pages out of. */
#include <stddef.h>
#include <stdint.h>
#include "errno.h"
#include "string.h"
#include "kernel/fs/vfs.h"
#include "kernel/mm/kmalloc.h"
#include "kernel/mm/pmem.h"
#include "kernel/mm/vmobject.h"
#include "kernel/panic.h"

#define PC_SHIFT 6
#define PC_FAN   (1u << PC_SHIFT)
#define PC_MASK  ((uint64_t)PC_FAN - 1)
/* Indices are below 2^52 (byte offsets below 2^64): 9 levels reach 2^54,
 * and every span below stays clear of overflow. */
#define PC_HEIGHT_MAX 9

struct pc_node {
    void *slot[PC_FAN]; /* the level below, or pages at the bottom */
    unsigned used;      /* non-NULL slots */
};

struct pcache {
    struct vm_object obj; /* what file mappings map */
    struct vnode *vn;
    void *root;      /* NULL when empty */
    unsigned height; /* the tree holds indices below 64^height */
    const uint8_t *src;
    uint64_t src_phys, src_len; /* the source: bytes [0, src_len), physical src_phys */
    uint64_t owned;             /* pages in the tree */
};

static uint64_t cached_pages; /* owned pages, every file's */
static uint64_t node_bytes;   /* heap bytes of every tree's nodes */

uint64_t pc_pages(void)
{
    return cached_pages;
}

uint64_t pc_file_pages(const struct vnode *vn)
{
    const struct pcache *pc = vn->pages;
    return pc ? pc->owned : 0;
}

uint64_t pc_heap(void)
{
    return node_bytes;
}

static struct pc_node *node_alloc(void)
{
    struct pc_node *n = kzalloc(sizeof(*n));
    if (n)
        node_bytes += kmalloc_usable(n);
    return n;
}

static void node_free(struct pc_node *n)
{
    node_bytes -= kmalloc_usable(n);
    kfree(n);
}

/* --- the tree -------------------------------------------------------------- */

static int tree_holds(unsigned height, uint64_t idx)
{
    return (idx >> (height * PC_SHIFT)) == 0;
}

/* The slot for idx, or NULL when the tree has none (no allocation). */
static void **slot_find(struct pcache *pc, uint64_t idx)
{
    if (!tree_holds(pc->height, idx))
        return NULL;
    void **s = &pc->root;
    for (unsigned h = pc->height; h > 0; h--) {
        struct pc_node *n = *s;
        if (!n)
            return NULL;
        s = &n->slot[(idx >> ((h - 1) * PC_SHIFT)) & PC_MASK];
    }
    return s;
}

/* Add levels on top until the tree holds idx: 0 or -ENOMEM. */
static int tree_grow(struct pcache *pc, uint64_t idx)
{
    while (!tree_holds(pc->height, idx)) {
        KASSERT(pc->height < PC_HEIGHT_MAX);
        if (pc->root) {
            struct pc_node *n = node_alloc();
            if (!n)
                return -ENOMEM;
            n->slot[0] = pc->root;
            n->used = 1;
            pc->root = n;
        }
        pc->height++;
    }
    return 0;
}

/* The slot for idx, with the nodes on its path made, and in *holder the
 * node holding it (NULL: the root): NULL on OOM (nodes made on the way
 * stay, empty, until truncation or release frees them). */
static void **slot_make(struct pcache *pc, uint64_t idx, struct pc_node **holder)
{
    if (tree_grow(pc, idx))
        return NULL;
    void **s = &pc->root;
    struct pc_node *up = NULL;
    for (unsigned h = pc->height; h > 0; h--) {
        if (!*s) {
            if (!(*s = node_alloc()))
                return NULL;
            if (up)
                up->used++;
        }
        up = *s;
        s = &up->slot[(idx >> ((h - 1) * PC_SHIFT)) & PC_MASK];
    }
    *holder = up;
    return s;
}

/* The file system's say in pages the cache takes for its file (tmpfs's
 * size=): 0, or -ENOSPC. */
static int pc_charge(struct pcache *pc, int64_t pages)
{
    const struct vnode *vn = pc->vn;
    return vn->vops && vn->vops->charge ? vn->vops->charge(pc->vn, pages) : 0;
}

/* Put the new page p at idx (which has none): 0, -ENOSPC or -ENOMEM. */
static int tree_insert(struct pcache *pc, uint64_t idx, struct page *p)
{
    struct pc_node *holder;
    int err = pc_charge(pc, 1);
    if (err)
        return err;
    void **s = slot_make(pc, idx, &holder);
    if (!s) {
        pc_charge(pc, -1);
        return -ENOMEM;
    }
    KASSERT(!*s);
    *s = p;
    if (holder)
        holder->used++;
    cached_pages++;
    pc->owned++;
    return 0;
}

/* Free the pages at indices >= from under *s, a slot of height h whose
 * first index is base, and every node left empty (counted in *freed); *s
 * is NULL if nothing is left under it. */
static void tree_cut(void **s, unsigned h, uint64_t base, uint64_t from, uint64_t *freed)
{
    if (!*s)
        return;
    if (h == 0) {
        if (base >= from) {
            pg_put(*s);
            *s = NULL;
            cached_pages--;
            (*freed)++;
        }
        return;
    }
    struct pc_node *n = *s;
    uint64_t span = 1ull << ((h - 1) * PC_SHIFT);
    for (unsigned i = 0; i < PC_FAN; i++) {
        uint64_t b = base + i * span;
        if (!n->slot[i] || b + span <= from)
            continue;
        tree_cut(&n->slot[i], h - 1, b, from, freed);
        if (!n->slot[i])
            n->used--;
    }
    if (n->used == 0) {
        node_free(n);
        *s = NULL;
    }
}

/* --- a file's cache ---------------------------------------------------------- */

static const struct vm_pager pc_pager;

/* Pages that len bytes take. */
static uint64_t pages_of(uint64_t len)
{
    return (len >> PAGE_SHIFT) + (page_offset(len) != 0);
}

/* vn's cache, made if it has none: NULL on OOM. */
static struct pcache *pc_of(struct vnode *vn)
{
    if (!vn->pages) {
        struct pcache *pc = kzalloc(sizeof(*pc));
        if (!pc)
            return NULL;
        pc->obj.pager = &pc_pager;
        pc->vn = vn;
        vn->pages = pc;
    }
    return vn->pages;
}

int pc_set_source(struct vnode *vn, const uint8_t *data, uint64_t phys, uint64_t len)
{
    struct pcache *pc = pc_of(vn);
    if (!pc)
        return -ENOMEM;
    KASSERT(!pc->root && !pc->src);
    pc->src = data;
    pc->src_phys = phys;
    pc->src_len = len;
    return 0;
}

/* The frame of source page idx, if it can be handed out as it is (whole,
 * page-aligned, a frame the allocator knows), else NULL. */
static struct page *src_page(const struct pcache *pc, uint64_t idx)
{
    if (!page_aligned(pc->src_phys) || idx >= pc->src_len / PAGE_SIZE)
        return NULL;
    return pg_from_phys(pc->src_phys + idx * PAGE_SIZE);
}

/* A new page for idx: the source's bytes there (zeros past them), or
 * zeros. NULL on OOM. */
static struct page *page_fill(const struct pcache *pc, uint64_t idx)
{
    struct page *p = pg_alloc(0);
    if (!p)
        return NULL;
    uint64_t off = idx * PAGE_SIZE, n = 0;
    if (off < pc->src_len) {
        n = pc->src_len - off < PAGE_SIZE ? pc->src_len - off : PAGE_SIZE;
        memcpy(pg_virt(p), pc->src + off, n);
    }
    memset((uint8_t *)pg_virt(p) + n, 0, PAGE_SIZE - n);
    return p;
}

/* The first index at or after from that the subtree at s (height h,
 * first index base) holds a page for, or UINT64_MAX: empty subtrees are
 * skipped whole, so a search through a vast hole costs its depth. */
static uint64_t tree_next(void *s, unsigned h, uint64_t base, uint64_t from)
{
    if (!s)
        return UINT64_MAX;
    if (h == 0)
        return base;
    struct pc_node *n = s;
    unsigned shift = (h - 1) * PC_SHIFT;
    unsigned first = from > base ? (unsigned)(((from - base) >> shift) & PC_MASK) : 0;
    for (unsigned i = first; i < PC_FAN; i++) {
        uint64_t b = base + ((uint64_t)i << shift);
        uint64_t r = tree_next(n->slot[i], h - 1, b, from > b ? from : b);
        if (r != UINT64_MAX)
            return r;
    }
    return UINT64_MAX;
}

/* Whether page idx holds data: the tree's or the source's. */
static int pc_has(const struct pcache *pc, uint64_t idx)
{
    return idx < pages_of(pc->src_len) || pc_find(pc->vn, idx);
}

uint64_t pc_next(struct vnode *vn, uint64_t idx, uint64_t end, int data)
{
    struct pcache *pc = vn->pages;
    if (!pc)
        return data ? end : idx;
    if (!data) { /* holes: every page present until one is not costs its data */
        while (idx < end && pc_has(pc, idx))
            idx++;
        return idx;
    }
    if (idx < pages_of(pc->src_len))
        return idx;
    uint64_t r = tree_holds(pc->height, idx) ? tree_next(pc->root, pc->height, 0, idx) : UINT64_MAX;
    return r < end ? r : end;
}

struct page *pc_find(struct vnode *vn, uint64_t idx)
{
    void **s = vn->pages ? slot_find(vn->pages, idx) : NULL;
    return s ? *s : NULL;
}

int pc_get(struct vnode *vn, uint64_t idx, int how, struct page **out)
{
    struct pcache *pc = pc_of(vn);
    if (!pc)
        return -ENOMEM;
    void **s = slot_find(pc, idx);
    if (s && *s) {
        pg_get(*s);
        *out = *s;
        return 0;
    }
    struct page *in_place = src_page(pc, idx);
    if (in_place && how != VM_GET_WRITE) {
        *out = in_place;
        return 1;
    }
    if (how == VM_GET_PEEK)
        return -ENOENT;
    struct page *p = page_fill(pc, idx);
    if (!p)
        return -ENOMEM;
    int err = tree_insert(pc, idx, p);
    if (err) {
        pg_put(p);
        return err;
    }
    if (in_place)
        vm_object_replaced(&pc->obj, idx, pg_phys(in_place));
    pg_get(p);
    *out = p;
    return 0;
}

const uint8_t *pc_bytes(struct vnode *vn, uint64_t pos, size_t *n)
{
    uint64_t in = page_offset(pos);
    if (*n > PAGE_SIZE - in)
        *n = PAGE_SIZE - in;
    struct pcache *pc = vn->pages;
    if (!pc)
        return NULL;
    void **s = slot_find(pc, pos / PAGE_SIZE);
    if (s && *s)
        return (const uint8_t *)pg_virt(*s) + in;
    if (pos >= pc->src_len)
        return NULL;
    if (*n > pc->src_len - pos)
        *n = pc->src_len - pos;
    return pc->src + pos;
}

const uint8_t *pc_in_place(const struct vnode *vn)
{
    const struct pcache *pc = vn->pages;
    return pc && pc->src && !pc->root && pc->src_len == vn->size ? pc->src : NULL;
}

/* The source ends at len now. A whole source page that len cuts is no
 * longer handed out as it is: shared regions mapping it fault in a copy
 * with zeros past len instead (vm_object_replaced). */
static void src_clip(struct pcache *pc, uint64_t len)
{
    if (len >= pc->src_len)
        return;
    struct page *cut = page_offset(len) ? src_page(pc, len / PAGE_SIZE) : NULL;
    if (cut && !pc_find(pc->vn, len / PAGE_SIZE))
        vm_object_replaced(&pc->obj, len / PAGE_SIZE, pg_phys(cut));
    pc->src_len = len;
}

void pc_truncate(struct vnode *vn, uint64_t len)
{
    struct pcache *pc = vn->pages;
    if (!pc)
        return;
    uint64_t keep = pages_of(len), freed = 0;
    src_clip(pc, len);
    if (pc->root)
        tree_cut(&pc->root, pc->height, 0, keep, &freed);
    pc->owned -= freed;
    pc_charge(pc, -(int64_t)freed);
    if (!pc->root)
        pc->height = 0;
    struct page *last = page_offset(len) ? pc_find(vn, len / PAGE_SIZE) : NULL;
    if (last)
        memset((uint8_t *)pg_virt(last) + page_offset(len), 0, PAGE_SIZE - page_offset(len));
    if (pc->obj.regions)
        vm_object_unmap(&pc->obj, keep, UINT64_MAX);
}

void pc_release(struct vnode *vn)
{
    struct pcache *pc = vn->pages;
    if (!pc)
        return;
    KASSERT(!pc->obj.regions);
    uint64_t freed = 0;
    if (pc->root)
        tree_cut(&pc->root, pc->height, 0, 0, &freed);
    pc_charge(pc, -(int64_t)freed);
    kfree(pc);
    vn->pages = NULL;
}

int pc_object(struct vnode *vn, struct vm_object **out)
{
    struct pcache *pc = pc_of(vn);
    if (!pc)
        return -ENOMEM;
    *out = &pc->obj;
    return 0;
}

/* --- the pager: file mappings' way in ----------------------------------------- */

static struct pcache *obj_cache(struct vm_object *o)
{
    return (struct pcache *)((char *)o - offsetof(struct pcache, obj));
}

/* A page wholly past the end is SIGBUS, as Linux has it. */
static int pager_get(struct vm_object *o, uint64_t idx, int how, struct page **pg)
{
    struct vnode *vn = obj_cache(o)->vn;
    if (idx >= pages_of(vn->size))
        return -EIO;
    return pc_get(vn, idx, how, pg);
}

static void pager_hold(struct vm_object *o)
{
    vn_ref(obj_cache(o)->vn);
}

static void pager_drop(struct vm_object *o)
{
    vn_unref(obj_cache(o)->vn);
}

static const struct vm_pager pc_pager = {pager_get, pager_hold, pager_drop};

struct vnode *pc_vnode(const struct vm_object *o)
{
    return o && o->pager == &pc_pager ? obj_cache((struct vm_object *)o)->vn : NULL;
}
