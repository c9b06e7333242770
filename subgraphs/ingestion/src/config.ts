/** ingestion's own settings, on top of the shared ones (subgraphs/runtime/README.md). */
import { z } from 'zod';
import { envFragments } from '@platform/runtime';
import { importEnv } from './import-config';
import { MAX_SINGLE_PUT_BYTES, MIN_PART_BYTES } from './upload-rules';

const MiB = 1024 * 1024;
const bytes = (fallback: number, min: number, max: number) =>
  z.coerce.number().int().min(min).max(max).default(fallback);

export const ingestionEnv = {
  ...envFragments.kafka,
  ...envFragments.s3,
  /** Largest file accepted (default 10 GiB). */
  UPLOAD_MAX_BYTES: bytes(10 * 1024 * MiB, 1, 5 * 1024 * 1024 * MiB),
  /** Files up to this size go in one presigned PUT, larger ones in S3 multipart (default 64 MiB). */
  UPLOAD_SINGLE_PUT_MAX_BYTES: bytes(64 * MiB, 1, MAX_SINGLE_PUT_BYTES),
  /** Multipart part size (default 16 MiB; S3 needs at least 5 MiB). */
  UPLOAD_PART_BYTES: bytes(16 * MiB, MIN_PART_BYTES, MAX_SINGLE_PUT_BYTES),
  /** Part URLs createUpload signs up front; uploadPartUrls gives the others (default 8). */
  UPLOAD_PART_URLS_UP_FRONT: z.coerce.number().int().min(1).max(100).default(8),
  /** How long presigned URLs stay valid (default 15 minutes). */
  UPLOAD_URL_TTL_SECONDS: z.coerce.number().int().min(1).max(3600).default(900),
  /** Pending uploads are cancelled (and their bytes removed) this long after their URLs expire. */
  UPLOAD_SWEEP_GRACE_SECONDS: z.coerce
    .number()
    .int()
    .min(0)
    .max(7 * 86400)
    .default(3600),
  /** App origins allowed to PUT to the raw bucket, comma-separated (see bucket-cors.ts). */
  UPLOAD_CORS_ORIGINS: z
    .string()
    .default('')
    .transform((value) =>
      value
        .split(',')
        .map((o) => o.trim())
        .filter(Boolean),
    )
    .pipe(z.array(z.url({ protocol: /^https?$/ })).max(20)),
  UPLOAD_SWEEP_INTERVAL_SECONDS: z.coerce.number().int().min(1).max(86400).default(60),
  ...importEnv,
};
