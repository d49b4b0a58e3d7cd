/**
 * @dio/iomap — fs/iomap/direct-io.c: `iomapDioRw` and everything under it
 * (bio building, FUA selection, zeroing, `iomapDioBioEndIo`,
 * `iomapDioComplete`), with the completion policy as a swappable object:
 * `WorkqueuePolicy` (≤ 6.5 and released 6.6–6.18), `CallerPolicy`
 * (IOCB_DIO_CALLER_COMP, 6.6-rc1) and `InlinePolicy` (6.19).
 * @module
 */
export * from './flags';
export { IomapDio, type DioEndIo } from './dio';
export type { CompletionPolicy, CompletionRoute, ExtentInfo } from './policy';
export { WorkqueuePolicy, CallerPolicy, InlinePolicy, POLICIES, type PolicyName } from './policies';
export { iomapDioRw, iomapDioRwStart, type IomapDioArgs } from './dio-rw';
export { iomapDioIter, BIO_MAX_BYTES } from './bio-iter';
export { iomapDioBioEndIo, iomapDioDone } from './end-io';
export { iomapDioComplete, iomapDioCompleteWork, iomapDioDeferredComplete, genericWriteSync, kiocbInvalidatePostDirectWrite } from './complete';
export { iomapFileOperations } from './file-ops';
