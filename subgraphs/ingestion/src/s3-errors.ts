/** S3 failures as the platform's errors: the caller learns S3 is unavailable, the log learns why. */
import { AppError, ErrorCode, type Logger } from '@platform/runtime';

/** NotFound (HEAD), NoSuchKey (GET) or NoSuchUpload (multipart): the thing is not there. */
export function isMissing(error: unknown): boolean {
  const e = error as { name?: string; $metadata?: { httpStatusCode?: number } };
  return (
    e.name === 'NotFound' ||
    e.name === 'NoSuchKey' ||
    e.name === 'NoSuchUpload' ||
    e.$metadata?.httpStatusCode === 404
  );
}

export function s3Unavailable(what: string, error: unknown, log: Logger): AppError {
  if (error instanceof AppError) return error;
  log.error({ err: error }, `S3: could not ${what}`);
  return new AppError(
    ErrorCode.UPSTREAM_UNAVAILABLE,
    `Storage is unavailable, so we could not ${what}. Try again in a moment.`,
    { cause: error },
  );
}
