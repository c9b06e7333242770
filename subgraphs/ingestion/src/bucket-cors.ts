/**
 * Browsers send upload bytes straight to S3, from the app's origin: the raw bucket's CORS rules
 * must allow that origin to PUT and must expose ETag (multipart completion needs each part's).
 * With UPLOAD_CORS_ORIGINS set (the local stack sets the app's origin), the service adds its
 * origins to the bucket's rule at start, keeping the origins other instances added (the app on
 * another port, e.g. the end-to-end tests'). In production the bucket's CORS belongs to the
 * infrastructure and the setting stays empty.
 */
import {
  GetBucketCorsCommand,
  PutBucketCorsCommand,
  type CORSRule,
  type S3Client,
} from '@aws-sdk/client-s3';
import type { Logger } from '@platform/runtime';

const RULE_ID = 'platform-browser-uploads';

export async function allowBrowserUploads(
  s3: S3Client,
  bucket: string,
  origins: readonly string[],
  logger: Logger,
): Promise<void> {
  if (origins.length === 0) return;
  const current = await s3
    .send(new GetBucketCorsCommand({ Bucket: bucket }))
    .then((answer) => answer.CORSRules ?? [])
    .catch(() => [] as CORSRule[]); // no configuration yet
  const ours = current.find((rule) => rule.ID === RULE_ID);
  const known = new Set(ours?.AllowedOrigins ?? []);
  if (origins.every((origin) => known.has(origin))) return;
  const rule: CORSRule = {
    ID: RULE_ID,
    AllowedOrigins: [...new Set([...known, ...origins])],
    AllowedMethods: ['PUT'],
    AllowedHeaders: ['*'],
    ExposeHeaders: ['ETag'],
    MaxAgeSeconds: 600,
  };
  await s3.send(
    new PutBucketCorsCommand({
      Bucket: bucket,
      CORSConfiguration: { CORSRules: [...current.filter((r) => r.ID !== RULE_ID), rule] },
    }),
  );
  logger.info(
    { bucket, origins: rule.AllowedOrigins },
    'browser uploads allowed from these origins',
  );
}
