/**
 * Sends a file's bytes straight to storage through the presigned URLs of `createUpload`, never
 * through the API. XMLHttpRequest rather than fetch: only it reports upload progress.
 *
 * - SINGLE_PUT: one PUT of the whole file with exactly the headers the platform signed (the
 *   browser adds Content-Length from the body, which is signed too).
 * - MULTIPART: each part's bytes (`file.slice(start, end)`, a Blob without a type, so no
 *   Content-Type is added) PUT to its own URL, `concurrency` at a time, keeping the ETag header
 *   each answer carries (storage exposes it through CORS); a part that fails on the network or
 *   with a 5xx is tried again, twice. The first parts' URLs come with the upload, the others are
 *   asked for as the transfer reaches them (`moreUrls`); a part refused with 403 (its URL expired
 *   during a slow transfer) is sent once more with a fresh URL.
 *
 * Progress is reported as the bytes sent over all parts. Aborting the signal aborts every request
 * in flight and rejects with an AbortError; a part that fails for good stops the others too.
 */
import type { UploadedPart, UploadMethod } from '../../schema-types';
import { partUrls, type MorePartUrls } from './part-urls';
import { runLimited } from './run-limited';
import { partRanges, planParts, sentBytes, type PartRange } from './transfer-progress';

export interface UploadTarget {
  method: UploadMethod;
  url: string | null;
  headers: ReadonlyArray<{ name: string; value: string }>;
  /** MULTIPART: the URLs signed up front, for the first parts. */
  parts: ReadonlyArray<{ partNumber: number; url: string }>;
  partCount: number;
  partSizeBytes: number | null;
}

export interface SendOptions {
  /** Bytes sent so far, over all parts. */
  onProgress: (sent: number) => void;
  signal: AbortSignal;
  /** Parts in flight at once. */
  concurrency?: number;
  /** Tries per request when the network or storage fails (not when storage refuses). */
  attempts?: number;
  /** MULTIPART: URLs for the parts `target.parts` does not have (uploadPartUrls). */
  moreUrls?: MorePartUrls;
}

/** Storage refused or could not be reached; `message` is written for the user. */
export class TransferError extends Error {
  constructor(
    message: string,
    readonly status: number,
  ) {
    super(message);
    this.name = 'TransferError';
  }

  /** Worth trying again: no answer at all, or storage's own failure. */
  get retryable(): boolean {
    return this.status === 0 || this.status >= 500;
  }
}

function abortError(): DOMException {
  return new DOMException('The upload was cancelled.', 'AbortError');
}

function refusal(status: number, what: string): TransferError {
  if (status === 0) {
    return new TransferError(
      `The connection to storage failed while sending ${what}. Check your connection and try again.`,
      0,
    );
  }
  if (status === 403) {
    return new TransferError(
      `Storage refused ${what} (HTTP 403): the upload link may have expired. Start the upload again.`,
      status,
    );
  }
  return new TransferError(`Storage answered HTTP ${status} to ${what}.`, status);
}

/** One PUT; resolves with the finished request on a 2xx answer. */
function put(
  url: string,
  body: Blob,
  headers: ReadonlyArray<{ name: string; value: string }>,
  what: string,
  onProgress: (loaded: number) => void,
  signal: AbortSignal,
): Promise<XMLHttpRequest> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) {
      reject(abortError());
      return;
    }
    const xhr = new XMLHttpRequest();
    const onAbort = () => xhr.abort();
    signal.addEventListener('abort', onAbort, { once: true });
    const settle = () => signal.removeEventListener('abort', onAbort);

    xhr.open('PUT', url);
    for (const header of headers) xhr.setRequestHeader(header.name, header.value);
    xhr.upload.onprogress = (event) => onProgress(event.loaded);
    xhr.onload = () => {
      settle();
      if (xhr.status >= 200 && xhr.status < 300) {
        onProgress(body.size);
        resolve(xhr);
      } else {
        reject(refusal(xhr.status, what));
      }
    };
    xhr.onerror = () => {
      settle();
      reject(refusal(0, what));
    };
    xhr.onabort = () => {
      settle();
      reject(abortError());
    };
    xhr.send(body);
  });
}

const delay = (ms: number, signal: AbortSignal) =>
  new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(abortError());
    };
    signal.addEventListener('abort', onAbort, { once: true });
  });

/** `put`, tried again after a pause when the failure is worth it; progress restarts at 0. */
async function putWithRetries(
  attempts: number,
  ...[url, body, headers, what, onProgress, signal]: Parameters<typeof put>
): Promise<XMLHttpRequest> {
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await put(url, body, headers, what, onProgress, signal);
    } catch (error) {
      if (!(error instanceof TransferError) || !error.retryable || attempt >= attempts) throw error;
      onProgress(0);
      await delay(500 * attempt, signal);
    }
  }
}

/**
 * Sends `file` as `target` says. Resolves with the parts to pass to `completeUpload` (MULTIPART),
 * or null (SINGLE_PUT, which takes none).
 */
export async function sendFile(
  file: Blob,
  target: UploadTarget,
  { onProgress, signal, concurrency = 4, attempts = 3, moreUrls }: SendOptions,
): Promise<UploadedPart[] | null> {
  if (target.method === 'SINGLE_PUT') {
    if (!target.url) throw new Error('a SINGLE_PUT upload without a URL');
    await putWithRetries(
      attempts,
      target.url,
      file,
      target.headers,
      'the file',
      onProgress,
      signal,
    );
    return null;
  }

  if (!target.partSizeBytes) throw new Error('a MULTIPART upload without a part size');
  const urls = partUrls(target.parts, target.partCount, moreUrls);
  const ranges = partRanges(
    planParts(target.partCount, target.partSizeBytes, file.size),
    file.size,
  );
  const sentByPart = new Map<number, number>();
  // One failed part fails the transfer: the parts still in flight are stopped too.
  const parts = new AbortController();
  const stopParts = () => parts.abort();
  signal.addEventListener('abort', stopParts, { once: true });
  try {
    return await runLimited(ranges, concurrency, (range) => sendPart(range, parts.signal));
  } catch (error) {
    parts.abort();
    throw signal.aborted ? abortError() : error;
  } finally {
    signal.removeEventListener('abort', stopParts);
  }

  async function sendPart(range: PartRange, partSignal: AbortSignal): Promise<UploadedPart> {
    const what = `part ${range.partNumber} of ${ranges.length}`;
    const sendTo = async (url: string) =>
      putWithRetries(
        attempts,
        url,
        file.slice(range.start, range.end),
        [],
        what,
        (loaded) => {
          sentByPart.set(range.partNumber, loaded);
          onProgress(sentBytes(sentByPart));
        },
        partSignal,
      );
    let xhr: XMLHttpRequest;
    try {
      xhr = await sendTo(await urls.urlOf(range.partNumber));
    } catch (error) {
      if (!(error instanceof TransferError && error.status === 403 && moreUrls)) throw error;
      urls.forget(range.partNumber);
      onProgress(sentBytes(sentByPart.set(range.partNumber, 0)));
      xhr = await sendTo(await urls.urlOf(range.partNumber));
    }
    const etag = xhr.getResponseHeader('ETag');
    if (!etag) {
      throw new TransferError(
        `Storage did not show the ETag of ${what}: its CORS settings must expose the ETag header.`,
        xhr.status,
      );
    }
    return { partNumber: range.partNumber, etag };
  }
}
