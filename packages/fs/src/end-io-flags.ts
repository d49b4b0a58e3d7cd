/**
 * Flags iomap passes to ->end_io (include/linux/iomap.h).
 * @module
 */
/** The write went to unwritten extents: convert them. */
export const IOMAP_DIO_UNWRITTEN = 1 << 0;
/** The write went to COW blocks: remap them. */
export const IOMAP_DIO_COW = 1 << 1;
