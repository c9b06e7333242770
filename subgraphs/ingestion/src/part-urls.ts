/**
 * Presigned URLs for the parts of a multipart upload. The SDK's `getSignedUrl` runs a command's
 * whole middleware stack for each URL (about 1.5 ms of CPU here: 0.5 s for the 320 parts of a
 * 5 GiB file); the URLs of one upload differ only in part number and length. So the first part
 * is signed the SDK's way, which resolves the endpoint (path-style, virtual-hosted, custom), and
 * the others reuse its address with `S3RequestPresigner` alone (about 0.13 ms each).
 */
import { UploadPartCommand, type S3Client } from '@aws-sdk/client-s3';
import { S3RequestPresigner, getSignedUrl } from '@aws-sdk/s3-request-presigner';

export interface PartToSign {
  partNumber: number;
  sizeBytes: number;
}

export function partUrlSigner(s3: S3Client) {
  const presigner = new S3RequestPresigner({ ...s3.config });
  return async function signParts(
    target: { bucket: string; key: string; uploadId: string },
    parts: readonly PartToSign[],
    expiresIn: number,
  ): Promise<string[]> {
    const [first, ...rest] = parts;
    if (!first) return [];
    // The length is signed: S3 refuses a part of any other size.
    const options = { expiresIn, signableHeaders: new Set(['content-length']) };
    const firstUrl = await getSignedUrl(
      s3,
      new UploadPartCommand({
        Bucket: target.bucket,
        Key: target.key,
        UploadId: target.uploadId,
        PartNumber: first.partNumber,
        ContentLength: first.sizeBytes,
      }),
      options,
    );
    const address = new URL(firstUrl);
    const urls = [firstUrl];
    for (const part of rest) {
      const signed = await presigner.presign(
        {
          method: 'PUT',
          protocol: address.protocol,
          hostname: address.hostname,
          ...(address.port ? { port: Number(address.port) } : {}),
          path: address.pathname,
          query: {
            'x-id': 'UploadPart',
            partNumber: String(part.partNumber),
            uploadId: target.uploadId,
          },
          headers: { host: address.host, 'content-length': String(part.sizeBytes) },
        },
        options,
      );
      const url = new URL(address.pathname, address.origin);
      for (const [name, value] of Object.entries(signed.query ?? {})) {
        if (typeof value === 'string') url.searchParams.set(name, value);
      }
      urls.push(url.href);
    }
    return urls;
  };
}
