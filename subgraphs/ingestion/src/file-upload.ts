/**
 * Putting a local file into S3 from disk, never whole in memory: one PutObject up to
 * `singlePutMaxBytes`, S3 multipart above (parts of `partBytes`). A multipart upload that fails is
 * aborted, so no parts are left behind.
 */
import { createReadStream } from 'node:fs';
import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CreateMultipartUploadCommand,
  DeleteObjectCommand,
  ListMultipartUploadsCommand,
  PutObjectCommand,
  UploadPartCommand,
  type S3Client,
} from '@aws-sdk/client-s3';

export interface FileUpload {
  bucket: string;
  key: string;
  path: string;
  size: number;
  contentType: string;
  singlePutMaxBytes: number;
  partBytes: number;
}

export async function uploadFile(s3: S3Client, file: FileUpload): Promise<void> {
  const { bucket: Bucket, key: Key } = file;
  if (file.size <= file.singlePutMaxBytes) {
    await s3.send(
      new PutObjectCommand({
        Bucket,
        Key,
        Body: createReadStream(file.path),
        ContentLength: file.size,
        ContentType: file.contentType,
      }),
    );
    return;
  }
  const { UploadId } = await s3.send(
    new CreateMultipartUploadCommand({ Bucket, Key, ContentType: file.contentType }),
  );
  try {
    const parts: { ETag: string; PartNumber: number }[] = [];
    for (let start = 0, PartNumber = 1; start < file.size; start += file.partBytes) {
      const end = Math.min(start + file.partBytes, file.size);
      const { ETag } = await s3.send(
        new UploadPartCommand({
          Bucket,
          Key,
          UploadId,
          PartNumber,
          Body: createReadStream(file.path, { start, end: end - 1 }),
          ContentLength: end - start,
        }),
      );
      parts.push({ ETag: ETag!, PartNumber });
      PartNumber += 1;
    }
    await s3.send(
      new CompleteMultipartUploadCommand({
        Bucket,
        Key,
        UploadId,
        MultipartUpload: { Parts: parts },
      }),
    );
  } catch (error) {
    await s3
      .send(new AbortMultipartUploadCommand({ Bucket, Key, UploadId }))
      .catch(() => undefined);
    throw error;
  }
}

/**
 * Removes the object and any unfinished multipart upload of its key (one a stopped process may have
 * left). Best effort: returns whether everything went.
 */
export async function removeFile(s3: S3Client, bucket: string, key: string): Promise<boolean> {
  try {
    const { Uploads = [] } = await s3.send(
      new ListMultipartUploadsCommand({ Bucket: bucket, Prefix: key }),
    );
    for (const upload of Uploads.filter((u) => u.Key === key)) {
      await s3.send(
        new AbortMultipartUploadCommand({ Bucket: bucket, Key: key, UploadId: upload.UploadId }),
      );
    }
    await s3.send(new DeleteObjectCommand({ Bucket: bucket, Key: key }));
    return true;
  } catch {
    return false;
  }
}
