/**
 * @dio/aio — fs/aio.c, the libaio issuer: `ioSetup`, `ioSubmit`,
 * `ioGetevents`, `ioDestroy`. `aio_prep_rw` never sets
 * IOCB_DIO_CALLER_COMP and clears HIPRI; events are posted from whatever
 * context iomap completes in (kworker on ≤ 6.18, the interrupt on 6.19).
 * @module
 */
export * from './abi';
export { Kioctx, ioSetup, ioGetevents, ioDestroy, aioRingEvents, AIO_MAX_NR } from './kioctx';
export { ioSubmit, aioPrepRw, AIO_ISSUER } from './submit';
