/**
 * The zod parsers of the processor's events must agree with their contracts, the JSON Schemas in
 * schema/events/data.processing.*.schema.json (compiled with Ajv 2020 + ajv-formats as
 * schema/src/events.test.ts does): the examples parse, broken variants are refused by both, and
 * random mutations of the examples are accepted by zod exactly when Ajv accepts them. The known
 * disagreements are kept as failing tests at the end.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import fc from 'fast-check';
import {
  COMPLETE_TOPIC,
  FAILED_TOPIC,
  PROCESSING_TOPICS,
  PROGRESS_TOPIC,
  parseProcessingEvent,
} from './processing-events';

type Topic = (typeof PROCESSING_TOPICS)[number];
type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type JsonObject = { [key: string]: Json };
type Validate = (value: unknown) => boolean;
interface JsonSchema {
  required: string[];
  properties: Record<string, unknown>;
}

// The ingestion workspace does not depend on Ajv (the hoisted `ajv` is ESLint's v6): load the
// schema workspace's Ajv 8, as schema/src/events.test.ts imports it.
const schemaDir = join(__dirname, '..', '..', '..', 'schema');
const requireFromSchema = createRequire(join(schemaDir, 'package.json'));
type Ajv = { compile(schema: object): Validate };
const { default: Ajv2020 } = requireFromSchema('ajv/dist/2020') as {
  default: new (options: object) => Ajv;
};
const { default: addFormats } = requireFromSchema('ajv-formats') as {
  default: (ajv: Ajv) => unknown;
};

const readJson = <T>(...path: string[]) =>
  JSON.parse(readFileSync(join(schemaDir, 'events', ...path), 'utf8')) as T;
const schemas = Object.fromEntries(
  PROCESSING_TOPICS.map((t) => [t, readJson<JsonSchema>(`${t}.schema.json`)]),
) as Record<Topic, JsonSchema>;
const examples = Object.fromEntries(
  PROCESSING_TOPICS.map((t) => [t, readJson<JsonObject>('examples', `${t}.json`)]),
) as Record<Topic, JsonObject>;
const validators = Object.fromEntries(
  PROCESSING_TOPICS.map((t) => {
    const ajv = new Ajv2020({ allErrors: true, strict: true });
    addFormats(ajv);
    return [t, ajv.compile(schemas[t] as unknown as object)];
  }),
) as Record<Topic, Validate>;

const KIND: Record<Topic, string> = {
  [PROGRESS_TOPIC]: 'progress',
  [COMPLETE_TOPIC]: 'complete',
  [FAILED_TOPIC]: 'failed',
};

/** What each side says of `value` on `topic`. */
const verdicts = (topic: Topic, value: unknown) => ({
  zod: parseProcessingEvent(topic, value) !== undefined,
  ajv: validators[topic](value),
});
const expectBoth = (topic: Topic, value: unknown, accepted: boolean) =>
  expect(verdicts(topic, value)).toEqual({ zod: accepted, ajv: accepted });

const withField = (topic: Topic, key: string, value: Json) => ({
  ...examples[topic],
  [key]: value,
});
const withOutput = (key: string, value: Json) =>
  withField(COMPLETE_TOPIC, 'output', {
    ...(examples[COMPLETE_TOPIC].output as JsonObject),
    [key]: value,
  });
const without = (topic: Topic, key: string) => {
  const copy = { ...examples[topic] };
  delete copy[key];
  return copy;
};

const datasetId = examples[COMPLETE_TOPIC].datasetId as string;

describe('processing events: examples', () => {
  it.each(PROCESSING_TOPICS)('%s: the example parses, with its kind', (topic) => {
    expect(validators[topic](examples[topic])).toBe(true);
    expect(parseProcessingEvent(topic, examples[topic])).toEqual({
      kind: KIND[topic],
      ...examples[topic],
    });
  });

  it.each(PROCESSING_TOPICS)('%s: another topic’s example is refused by both', (topic) => {
    for (const other of PROCESSING_TOPICS.filter((t) => t !== topic)) {
      expectBoth(topic, examples[other], false);
    }
  });

  it('refuses an unknown topic', () => {
    expect(parseProcessingEvent('data.ingestion', examples[PROGRESS_TOPIC])).toBeUndefined();
  });

  it.each([null, 'text', 42, [], {}])('refuses a message that is not an event: %j', (value) => {
    for (const topic of PROCESSING_TOPICS) expectBoth(topic, value, false);
  });
});

describe('processing events: broken examples are refused by both', () => {
  it.each(PROCESSING_TOPICS)('%s: an extra field', (topic) => {
    expectBoth(topic, withField(topic, 'surprise', 1), false);
    expectBoth(topic, withField(topic, 'kind', KIND[topic]), false);
    const proto = JSON.parse(`{"__proto__":{},${JSON.stringify(examples[topic]).slice(1)}`);
    expectBoth(topic, proto, false);
  });

  it.each(PROCESSING_TOPICS)('%s: each required field missing', (topic) => {
    for (const key of schemas[topic].required) expectBoth(topic, without(topic, key), false);
  });

  it.each(PROCESSING_TOPICS)('%s: a bad uuid or date', (topic) => {
    for (const key of ['eventId', 'jobId', 'datasetId']) {
      for (const bad of ['not-a-uuid', '', 42, null, datasetId.slice(1), `${datasetId}0`]) {
        expectBoth(topic, withField(topic, key, bad), false);
      }
    }
    for (const bad of ['yesterday', '2026-11-24', '2026-11-24T10:15:31', '2026-02-30T10:00:00Z']) {
      expectBoth(topic, withField(topic, 'occurredAt', bad), false);
    }
  });

  it('progress: out of range, fractional or mistyped values', () => {
    for (const progress of [101, -1, 40.5, '40', null]) {
      expectBoth(PROGRESS_TOPIC, withField(PROGRESS_TOPIC, 'progress', progress), false);
    }
    for (const status of ['COMPLETED', 'FAILED', 'processing', '']) {
      expectBoth(PROGRESS_TOPIC, withField(PROGRESS_TOPIC, 'status', status), false);
    }
    expectBoth(PROGRESS_TOPIC, withField(PROGRESS_TOPIC, 'rowsProcessed', -1), false);
    expectBoth(PROGRESS_TOPIC, withField(PROGRESS_TOPIC, 'message', 'x'.repeat(501)), false);
    expectBoth(PROGRESS_TOPIC, withField(PROGRESS_TOPIC, 'message', null), false);
  });

  it('progress: the bounds and the optional fields', () => {
    for (const progress of [0, 100]) {
      expectBoth(PROGRESS_TOPIC, withField(PROGRESS_TOPIC, 'progress', progress), true);
    }
    expectBoth(PROGRESS_TOPIC, withField(PROGRESS_TOPIC, 'message', 'x'.repeat(500)), true);
    expectBoth(PROGRESS_TOPIC, withField(PROGRESS_TOPIC, 'message', '😀'.repeat(500)), true);
    expectBoth(PROGRESS_TOPIC, withField(PROGRESS_TOPIC, 'message', '😀'.repeat(501)), false);
    const bare = without(PROGRESS_TOPIC, 'message');
    delete bare.rowsProcessed;
    expectBoth(PROGRESS_TOPIC, bare, true);
  });

  it('complete: negative counts, version 0, a bad output', () => {
    for (const key of ['rowCount', 'columnCount', 'processingTimeMs']) {
      expectBoth(COMPLETE_TOPIC, withField(COMPLETE_TOPIC, key, -1), false);
      expectBoth(COMPLETE_TOPIC, withField(COMPLETE_TOPIC, key, 1.5), false);
      expectBoth(COMPLETE_TOPIC, withField(COMPLETE_TOPIC, key, 0), true);
    }
    expectBoth(COMPLETE_TOPIC, withField(COMPLETE_TOPIC, 'version', 0), false);
    expectBoth(COMPLETE_TOPIC, withOutput('extra', 1), false);
    expectBoth(COMPLETE_TOPIC, withOutput('bucket', 'ab'), false);
    expectBoth(COMPLETE_TOPIC, withOutput('bucket', 'b'.repeat(64)), false);
    expectBoth(COMPLETE_TOPIC, withOutput('bucket', 'b'.repeat(63)), true);
    expectBoth(COMPLETE_TOPIC, withField(COMPLETE_TOPIC, 'output', 'datasets/x/v1/'), false);
  });

  it.each([
    `datasets/${datasetId}/v1`,
    `/datasets/${datasetId}/v1/`,
    `datasets/${datasetId.toUpperCase()}/v1/`,
    `datasets/${datasetId}/1/`,
    `datasets/${datasetId}/v/`,
    `datasets/${datasetId}/v1/part-0.parquet`,
    `datasets/${datasetId}/v1/\n`,
    `datasets/${datasetId.slice(1)}/v1/`,
    `raw/${datasetId}/v1/`,
    '',
  ])('complete: refuses the output prefix %j', (prefix) => {
    expectBoth(COMPLETE_TOPIC, withOutput('prefix', prefix), false);
  });

  it('failed: a bad code or reason', () => {
    for (const code of ['invalid_csv', 'AB', '_ABC', `A${'B'.repeat(64)}`, 'BAD-CODE', 'ABC\n']) {
      expectBoth(FAILED_TOPIC, withField(FAILED_TOPIC, 'code', code), false);
    }
    expectBoth(FAILED_TOPIC, withField(FAILED_TOPIC, 'code', `A${'B'.repeat(63)}`), true);
    expectBoth(FAILED_TOPIC, withField(FAILED_TOPIC, 'reason', ''), false);
    expectBoth(FAILED_TOPIC, withField(FAILED_TOPIC, 'reason', 'r'.repeat(1001)), false);
    expectBoth(FAILED_TOPIC, withField(FAILED_TOPIC, 'reason', 'r'.repeat(1000)), true);
  });
});

// Values near each field's contract, so that mutations are often still valid. Left out on purpose,
// because zod and the JSON Schema disagree on them (see the failing tests below): uuids that are
// not RFC 9562 (version 0 or 9-15, other variants, urn:uuid:), date-times with 't', 'z', a space,
// a +hhmm or +hh offset or a leap second, and integers beyond Number.MAX_SAFE_INTEGER.
const two = (n: number) => String(n).padStart(2, '0');
const safeNumber = fc.oneof(
  fc.integer({ min: -5, max: 2_000_000 }),
  fc.constantFrom(-1, 0, 1, 100, 101, 2 ** 31, Number.MAX_SAFE_INTEGER),
  fc
    .double({ noNaN: true, noDefaultInfinity: true })
    .filter((x) => !Number.isInteger(x) || Number.isSafeInteger(x)),
);
const text = fc.oneof(
  fc.string(),
  fc.string({ unit: 'grapheme', maxLength: 8 }),
  fc
    .tuple(
      fc.constantFrom(0, 1, 2, 3, 63, 64, 500, 501, 1000, 1001),
      fc.constantFrom('a', 'é', '😀'),
    )
    .map(([n, c]) => c.repeat(n)),
);
const scalar = fc.oneof(fc.constant(null), fc.boolean(), safeNumber, text);
const anyJson: fc.Arbitrary<Json> = fc.oneof(
  { weight: 4, arbitrary: scalar },
  { weight: 1, arbitrary: fc.array(scalar, { maxLength: 3 }) },
  { weight: 1, arbitrary: fc.dictionary(fc.string(), scalar, { maxKeys: 3 }) },
);
const uuidLike = fc.oneof(
  fc.uuid(),
  fc.uuid().map((u) => u.toUpperCase()),
  fc.uuid().map((u) => u.slice(1)),
  fc.uuid().map((u) => `${u}a`),
  fc.uuid().map((u) => u.replaceAll('-', '')),
  fc.constantFrom('00000000-0000-0000-0000-000000000000', 'ffffffff-ffff-ffff-ffff-ffffffffffff'),
);
const dateTime = fc.oneof(
  fc
    .date({ min: new Date('1970-01-01'), max: new Date('9999-12-31'), noInvalidDate: true })
    .chain((d) => fc.constantFrom(d.toISOString(), d.toISOString().replace(/\.\d+/, ''))),
  fc
    .record({
      y: fc.integer({ min: 1896, max: 2104 }),
      mo: fc.integer({ min: 0, max: 13 }),
      d: fc.integer({ min: 0, max: 32 }),
      h: fc.integer({ min: 0, max: 24 }),
      mi: fc.integer({ min: 0, max: 60 }),
      s: fc.integer({ min: 0, max: 59 }),
      fraction: fc.constantFrom('', '.5', '.123', '.123456789'),
      zone: fc.oneof(
        fc.constantFrom('Z', '', '+00:00', '-00:00'),
        fc
          .tuple(
            fc.constantFrom('+', '-'),
            fc.integer({ min: 0, max: 24 }),
            fc.integer({ min: 0, max: 60 }),
          )
          .map(([sign, h, m]) => `${sign}${two(h)}:${two(m)}`),
      ),
    })
    .map(
      ({ y, mo, d, h, mi, s, fraction, zone }) =>
        `${y}-${two(mo)}-${two(d)}T${two(h)}:${two(mi)}:${two(s)}${fraction}${zone}`,
    ),
  fc.constantFrom('2026-11-24', '10:15:31Z', '2026-11-24T10:15Z'),
);
const prefix = fc.oneof(
  fc.tuple(fc.uuid(), fc.nat({ max: 1000 })).map(([id, v]) => `datasets/${id}/v${v}/`),
  fc
    .tuple(fc.uuid(), fc.nat({ max: 1000 }), fc.constantFrom('', '/', 'x', '\n'))
    .map(([id, v, end]) => `datasets/${id.toUpperCase()}/v${v}${end}`),
  fc.stringMatching(/^datasets\/[0-9a-f-]{30,40}\/v[0-9]{0,3}\/?$/),
);
const outputLike = fc
  .tuple(
    fc.record(
      { bucket: fc.oneof(text, fc.stringMatching(/^[a-z0-9.-]{2,64}$/)), prefix },
      { requiredKeys: [] },
    ),
    fc.dictionary(fc.constantFrom('extra', 'region'), anyJson, { maxKeys: 1 }),
  )
  .map(([output, extra]) => ({ ...output, ...extra }) as Json);

const near: Record<string, fc.Arbitrary<Json>> = {
  eventId: uuidLike,
  jobId: uuidLike,
  datasetId: uuidLike,
  occurredAt: dateTime,
  status: fc.constantFrom('QUEUED', 'PROCESSING', 'COMPLETED', 'queued'),
  progress: fc.oneof(fc.integer({ min: -2, max: 102 }), fc.constantFrom(40.5, '40')),
  rowsProcessed: fc.oneof(fc.integer({ min: -2, max: 10 ** 9 }), fc.constant(0.5)),
  message: text,
  version: fc.oneof(fc.integer({ min: -1, max: 3 }), safeNumber),
  rowCount: fc.oneof(fc.integer({ min: -2, max: 10 ** 9 }), safeNumber),
  columnCount: fc.integer({ min: -2, max: 3000 }),
  output: outputLike,
  processingTimeMs: fc.oneof(fc.integer({ min: -2, max: 10 ** 7 }), fc.constant(1.5)),
  code: fc.oneof(fc.stringMatching(/^[A-Z][A-Z_]{2,63}$/), fc.stringMatching(/^[A-Za-z_-]{0,66}$/)),
  reason: text,
};
const allKeys = [...Object.keys(near), 'surprise', 'kind'];
const valueFor = (key: string): fc.Arbitrary<Json> =>
  key in near
    ? fc.oneof({ weight: 4, arbitrary: near[key]! }, { weight: 1, arbitrary: anyJson })
    : anyJson;

/** An example (usually of the topic the message arrives on) with keys removed and overridden. */
const mutated = fc.constantFrom(...PROCESSING_TOPICS).chain((topic) =>
  fc
    .oneof(
      { weight: 5, arbitrary: fc.constant(topic) },
      { weight: 1, arbitrary: fc.constantFrom(...PROCESSING_TOPICS) },
    )
    .chain((from) => {
      const ownKeys = Object.keys(schemas[from].properties);
      const key = fc.oneof(
        { weight: 8, arbitrary: fc.constantFrom(...ownKeys) },
        { weight: 1, arbitrary: fc.constantFrom(...allKeys) },
      );
      return fc.record({
        topic: fc.constant(topic),
        from: fc.constant(from),
        remove: fc.oneof(
          { weight: 3, arbitrary: fc.constant<string[]>([]) },
          { weight: 1, arbitrary: fc.subarray(ownKeys, { maxLength: 2 }) },
        ),
        set: fc.array(
          key.chain((k) => valueFor(k).map((v) => [k, v] as const)),
          { maxLength: 3 },
        ),
      });
    })
    .map(({ topic: on, from, remove, set }) => {
      const value: JsonObject = { ...examples[from] };
      for (const key of remove) delete value[key];
      for (const [key, v] of set) value[key] = v;
      return { topic: on, value };
    }),
);

describe('processing events: zod agrees with the JSON Schema', () => {
  it('accepts a random mutation of an example exactly when Ajv does', () => {
    const seen = { accepted: 0, refused: 0 };
    fc.assert(
      fc.property(mutated, ({ topic, value }) => {
        const { zod, ajv } = verdicts(topic, value);
        expect({ topic, value, zod }).toEqual({ topic, value, zod: ajv });
        seen[ajv ? 'accepted' : 'refused'] += 1;
      }),
      { numRuns: 2000 },
    );
    // The property says something only if both answers come up often.
    expect(seen.accepted).toBeGreaterThan(200);
    expect(seen.refused).toBeGreaterThan(200);
  });
});

// Ajv's uuid and date-time formats are looser than zod's: the contract now also carries a pattern
// and a maximum (schema/events, $defs), so these edge cases are refused by both.
describe('processing events: edge cases the formats alone would let through', () => {
  const id = '7a2d3c9f-4054-4b67-8e9f-1c8b2a3d4e5f';
  it.each<[string, Topic, string, Json]>([
    ['a urn:uuid: id', PROGRESS_TOPIC, 'eventId', `urn:uuid:${id}`],
    ['a version 0 uuid', PROGRESS_TOPIC, 'eventId', '7a2d3c9f-4054-0b67-8e9f-1c8b2a3d4e5f'],
    ['a version 9 uuid', PROGRESS_TOPIC, 'jobId', '7a2d3c9f-4054-9b67-8e9f-1c8b2a3d4e5f'],
    ['a uuid of variant 0', PROGRESS_TOPIC, 'datasetId', '7a2d3c9f-4054-4b67-0e9f-1c8b2a3d4e5f'],
    ['a lower-case t and z', PROGRESS_TOPIC, 'occurredAt', '2026-11-24t10:15:31z'],
    ['a space before the time', PROGRESS_TOPIC, 'occurredAt', '2026-11-24 10:15:31Z'],
    ['a +hhmm offset', FAILED_TOPIC, 'occurredAt', '2026-11-24T10:15:31+0100'],
    ['a +hh offset', FAILED_TOPIC, 'occurredAt', '2026-11-24T10:15:31+01'],
    ['a leap second', COMPLETE_TOPIC, 'occurredAt', '2016-12-31T23:59:60Z'],
    ['a rowCount of 2^53', COMPLETE_TOPIC, 'rowCount', 2 ** 53],
    ['a rowCount of 1e20', COMPLETE_TOPIC, 'rowCount', 1e20],
  ])('both refuse %s', (_what, topic, key, value) => {
    expect(verdicts(topic, withField(topic, key, value))).toEqual({ zod: false, ajv: false });
  });
});
