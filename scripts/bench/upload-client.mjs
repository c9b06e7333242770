// @ts-check
/**
 * What the upload benchmarks share: the three mutations as a client sends them, a GraphQL call that
 * times itself and returns its error instead of throwing, PUTs to presigned URLs over node:http
 * (Content-Length set, as the signatures require; the body a Buffer or a file stream), CSV bytes,
 * and bounded parallelism. Every request goes to 127.0.0.1 and has a time limit.
 */
import http from 'node:http';
import { pipeline } from 'node:stream/promises';

export const KiB = 1024;
export const MiB = 1024 * KiB;
export const GiB = 1024 * MiB;

/** Any single request of the benchmarks gives up after this long. */
const REQUEST_TIMEOUT_MS = 120_000;

export const CREATE = `mutation BenchCreateUpload($fileName: String!, $contentType: String!, $sizeBytes: Float!, $sourceType: SourceType!) {
  createUpload(fileName: $fileName, contentType: $contentType, sizeBytes: $sizeBytes, sourceType: $sourceType) {
    id method url partCount parts { partNumber url sizeBytes } headers { name value }
  }
}`;
export const PART_URLS = `mutation BenchUploadPartUrls($uploadId: ID!, $partNumbers: [Int!]!) {
  uploadPartUrls(uploadId: $uploadId, partNumbers: $partNumbers) { parts { partNumber url sizeBytes } }
}`;
export const COMPLETE = `mutation BenchCompleteUpload($uploadId: ID!, $parts: [UploadedPart!]) {
  completeUpload(uploadId: $uploadId, parts: $parts) { id status dataset { id } }
}`;
export const ABORT = `mutation BenchAbortUpload($uploadId: ID!) { abortUpload(uploadId: $uploadId) }`;

/**
 * @typedef {{ partNumber: number, url: string, sizeBytes: number }} PlannedPart
 * @typedef {{ id: string, method: 'SINGLE_PUT' | 'MULTIPART', url: string | null, partCount: number,
 *   parts: PlannedPart[], headers: { name: string, value: string }[] }} Upload
 * @typedef {{ partNumber: number, etag: string }} SentPart
 * @typedef {{ ms: number, value?: any, error?: string }} Answer
 */

/** Refuses any URL that is not plain HTTP to 127.0.0.1. @param {string} url */
export function loopback(url) {
  const parsed = new URL(url);
  if (parsed.protocol !== 'http:' || parsed.hostname !== '127.0.0.1') {
    throw new Error(`the benchmarks only send to http://127.0.0.1, not ${parsed.origin}`);
  }
  return url;
}

/**
 * One GraphQL POST, timed from sending the request to the parsed answer. A GraphQL or network
 * error comes back in `error`; `value` is `data[field]`.
 * @param {string} url @param {string} authorization @param {string} query
 * @param {Record<string, unknown>} variables @param {string} field
 * @returns {Promise<Answer>}
 */
export async function gql(url, authorization, query, variables, field) {
  const started = performance.now();
  try {
    const response = await fetch(loopback(url), {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization },
      body: JSON.stringify({ query, variables }),
      signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
    });
    const body = /** @type {{ data?: Record<string, unknown> | null, errors?: any[] }} */ (
      await response.json()
    );
    const ms = performance.now() - started;
    const first = body.errors?.[0];
    if (first) return { ms, error: `${first.extensions?.code ?? 'ERROR'}: ${first.message}` };
    return { ms, value: body.data?.[field] };
  } catch (error) {
    return { ms: performance.now() - started, error: String(error) };
  }
}

/** The value of a successful answer; throws with the error otherwise. @param {Answer} answer @param {string} what */
export function valueOf(answer, what) {
  if (answer.error !== undefined) throw new Error(`${what}: ${answer.error}`);
  return answer.value;
}

/**
 * PUTs `length` bytes to a presigned URL; resolves with the ETag S3 answered with.
 * @param {string} url
 * @param {Record<string, string>} headers
 * @param {Buffer | (() => NodeJS.ReadableStream)} body a Buffer, or a function opening a stream
 * @param {number} length
 * @param {http.Agent} agent
 * @returns {Promise<string>}
 */
export function put(url, headers, body, length, agent) {
  return new Promise((resolve, reject) => {
    const request = http.request(loopback(url), {
      method: 'PUT',
      agent,
      headers: { ...headers, 'content-length': String(length) },
      timeout: REQUEST_TIMEOUT_MS,
    });
    request.on('response', (response) => {
      /** @type {Buffer[]} */
      const chunks = [];
      response.on('data', (chunk) => chunks.length < 16 && chunks.push(chunk));
      response.on('error', reject);
      response.on('end', () => {
        const etag = response.headers.etag;
        if (response.statusCode === 200 && etag) resolve(etag);
        else
          reject(
            new Error(
              `PUT answered ${response.statusCode}: ${Buffer.concat(chunks).toString().slice(0, 300)}`,
            ),
          );
      });
    });
    request.on('timeout', () => request.destroy(new Error('PUT timed out')));
    request.on('error', reject);
    if (Buffer.isBuffer(body)) request.end(body);
    else pipeline(body(), request).catch(reject);
  });
}

/** The headers an upload's PUTs must carry. @param {Upload} upload */
export const headersOf = (upload) =>
  Object.fromEntries(upload.headers.map(({ name, value }) => [name, value]));

/**
 * Sends an upload's bytes (held in memory) as its plan says; returns the parts for completeUpload
 * (undefined for a single PUT). Parts go `partsInFlight` at a time.
 * @param {Upload} upload @param {Buffer} bytes @param {http.Agent} agent
 * @returns {Promise<SentPart[] | undefined>}
 */
export async function sendBuffer(upload, bytes, agent, partsInFlight = 1) {
  if (upload.method === 'SINGLE_PUT') {
    await put(upload.url ?? '', headersOf(upload), bytes, bytes.length, agent);
    return undefined;
  }
  const offsets = partOffsets(upload.parts);
  return inParallel(upload.parts, partsInFlight, async (part, i) => {
    const start = offsets[i] ?? 0;
    const slice = bytes.subarray(start, start + part.sizeBytes);
    return {
      partNumber: part.partNumber,
      etag: await put(part.url, {}, slice, slice.length, agent),
    };
  });
}

/**
 * The upload with every part's URL: createUpload signs the first few, the others are asked for
 * (uploadPartUrls) 100 at a time, as the app does while sending.
 * @param {string} gatewayUrl @param {string} authorization @param {Upload} upload
 * @returns {Promise<Upload>}
 */
export async function withAllParts(gatewayUrl, authorization, upload) {
  const parts = [...upload.parts];
  for (let first = parts.length + 1; first <= upload.partCount; first += 100) {
    const partNumbers = Array.from(
      { length: Math.min(100, upload.partCount - first + 1) },
      (_, i) => first + i,
    );
    const answer = await gql(
      gatewayUrl,
      authorization,
      PART_URLS,
      { uploadId: upload.id, partNumbers },
      'uploadPartUrls',
    );
    parts.push(
      .../** @type {{ parts: PlannedPart[] }} */ (valueOf(answer, 'uploadPartUrls')).parts,
    );
  }
  return { ...upload, parts };
}

/** Where each part starts in the file. @param {PlannedPart[]} parts */
export function partOffsets(parts) {
  let offset = 0;
  return parts.map((part) => {
    const start = offset;
    offset += part.sizeBytes;
    return start;
  });
}

/**
 * About 1 MiB of CSV text in whole lines, the header first: repeated, it fills files of any size
 * with text that passes completeUpload's check of the first 4 KiB (UTF-8, no control characters).
 */
export function csvBlock() {
  const lines = ['id,region,amount,sold_at'];
  let bytes = lines[0]?.length ?? 0;
  for (let i = 0; bytes < MiB - 64; i += 1) {
    const line = `${i},${['north', 'south', 'east', 'west'][i % 4]},${(i * 3.5).toFixed(1)},2026-11-${String((i % 28) + 1).padStart(2, '0')}`;
    lines.push(line);
    bytes += line.length + 1;
  }
  return Buffer.from(`${lines.join('\n')}\n`);
}

/** `size` bytes of CSV text. @param {number} size */
export const csvBytes = (size) => Buffer.alloc(size, csvBlock());

/**
 * Runs `task` on every item, at most `limit` at a time; the results in the items' order.
 * @template T, R
 * @param {T[]} items @param {number} limit @param {(item: T, index: number) => Promise<R>} task
 * @returns {Promise<R[]>}
 */
export async function inParallel(items, limit, task) {
  /** @type {R[]} */
  const results = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next;
      next += 1;
      results[i] = await task(/** @type {T} */ (items[i]), i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}
