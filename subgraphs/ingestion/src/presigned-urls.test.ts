import fc from 'fast-check';
import { PutObjectCommand, S3Client, UploadPartCommand } from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { urlSigner } from './presigned-urls';

const credentials = {
  accessKeyId: 'AKIDEXAMPLE',
  secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY',
};
// As the platform's client (runtime's createS3): no checksum of an unknown body in the URL.
const checksums = {
  requestChecksumCalculation: 'WHEN_REQUIRED',
  responseChecksumValidation: 'WHEN_REQUIRED',
} as const;
const clients = {
  'path-style custom endpoint': new S3Client({
    region: 'us-east-1',
    endpoint: 'http://127.0.0.1:7070',
    forcePathStyle: true,
    credentials,
    ...checksums,
  }),
  'virtual-hosted AWS': new S3Client({ region: 'eu-west-3', credentials, ...checksums }),
};

// Keys as the SDK would accept them: any text but empty, with slashes and characters to escape.
const keys = fc
  .array(
    fc.oneof(
      fc.string({ minLength: 1, maxLength: 12 }),
      fc.constantFrom('a b', "!'()*", 'é/ü', '%2F'),
    ),
    {
      minLength: 1,
      maxLength: 4,
    },
  )
  .map((segments) => segments.join('/'))
  .filter((key) => key.length > 0 && !key.includes('\0'));

/** The address and its parameters, whatever their order. */
function parsed(url: string) {
  const { origin, pathname, searchParams } = new URL(url);
  return { origin, pathname, query: Object.fromEntries([...searchParams].sort()) };
}

describe('presigned upload URLs', () => {
  beforeEach(() =>
    jest.useFakeTimers({
      now: new Date('2026-11-25T12:00:00Z'),
      doNotFake: ['nextTick', 'setImmediate', 'queueMicrotask'],
    }),
  );
  afterEach(() => jest.useRealTimers());

  for (const [name, s3] of Object.entries(clients)) {
    it(`signs a whole-object PUT exactly as getSignedUrl does (${name})`, async () => {
      const signer = urlSigner(s3);
      await fc.assert(
        fc.asyncProperty(keys, fc.integer({ min: 1, max: 2 ** 40 }), async (key, size) => {
          const ours = await signer.putObject(
            { bucket: 'uploads', key, contentType: 'text/csv', sizeBytes: size },
            900,
          );
          const sdk = await getSignedUrl(
            s3,
            new PutObjectCommand({
              Bucket: 'uploads',
              Key: key,
              ContentType: 'text/csv',
              ContentLength: size,
            }),
            { expiresIn: 900, signableHeaders: new Set(['content-type', 'content-length']) },
          );
          expect(parsed(ours)).toEqual(parsed(sdk));
        }),
        // A key starting with `/` once made the path start with `//` (read as another host).
        { numRuns: 60, examples: [['/ / ', 1]] },
      );
    });

    it(`signs each part exactly as getSignedUrl does (${name})`, async () => {
      const signer = urlSigner(s3);
      const target = { bucket: 'uploads', key: 'raw/owner/upload.csv', uploadId: 'a+b/c=' };
      const parts = [
        { partNumber: 1, sizeBytes: 16 * 1024 * 1024 },
        { partNumber: 2, sizeBytes: 16 * 1024 * 1024 },
        { partNumber: 3, sizeBytes: 5 },
      ];
      const ours = await signer.uploadParts(target, parts, 600);
      const sdk = await Promise.all(
        parts.map((part) =>
          getSignedUrl(
            s3,
            new UploadPartCommand({
              Bucket: target.bucket,
              Key: target.key,
              UploadId: target.uploadId,
              PartNumber: part.partNumber,
              ContentLength: part.sizeBytes,
            }),
            { expiresIn: 600, signableHeaders: new Set(['content-length']) },
          ),
        ),
      );
      expect(ours.map((part) => parsed(part.url))).toEqual(sdk.map(parsed));
    });
  }
});
