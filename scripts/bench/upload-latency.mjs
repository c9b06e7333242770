// @ts-check
/**
 * createUpload and completeUpload through the gateway with many users at once (ingestion issue,
 * goal: p95 < 50 ms whatever the file size). Only the mutations are timed.
 *   0. users uploading at once: each user, starting at a random moment in the first second,
 *      uploads `rounds` files one after the other as the app does (createUpload, PUT the bytes,
 *      completeUpload), files of 1 KiB to 4 MiB;
 * Then bursts, every user making the same call in the same millisecond, each user's calls one
 * after another (throughput-bound: on 2 cores the calls queue for the CPU):
 *   1. createUpload of a 1 KiB CSV (one presigned PUT), `rounds` times per user;
 *   2. createUpload of a 5 GiB CSV (a multipart plan; no byte is sent), once per user, then each
 *      cancelled with abortUpload (not timed);
 *   3. completeUpload of the uploads of phase 1, their 1 KiB PUT first (not timed);
 *   4. multipart: createUpload and completeUpload of a file just over the single-PUT threshold
 *      (5 parts at the defaults), one per user, its parts PUT in between (not timed);
 *   5. createUpload of 1 KiB and of 5 GiB one call at a time, for comparison.
 */
import { loadAverage, percentile, report } from './stats.mjs';
import {
  ABORT,
  COMPLETE,
  withAllParts,
  CREATE,
  GiB,
  KiB,
  MiB,
  csvBytes,
  gql,
  inParallel,
  sendBuffer,
  valueOf,
} from './upload-client.mjs';

const GOAL_MS = 50;

/**
 * @typedef {import('./users.mjs').BenchUser} BenchUser
 * @typedef {import('./upload-client.mjs').Answer} Answer
 * @typedef {import('./upload-client.mjs').Upload} Upload
 * @typedef {{ user: BenchUser, upload: Upload }} Created
 * @typedef {{ gatewayUrl: string, pool: import('pg').Pool, agent: import('node:http').Agent,
 *   users: BenchUser[] }} Context
 */

/**
 * Every user works through its own items one call at a time; all users at once.
 * @template T
 * @param {BenchUser[]} users @param {(user: BenchUser) => T[]} itemsOf
 * @param {(user: BenchUser, item: T) => Promise<Answer>} call
 * @returns {Promise<{ user: BenchUser, answer: Answer }[]>}
 */
async function eachUserAtOnce(users, itemsOf, call) {
  const perUser = await Promise.all(
    users.map(async (user) => {
      /** @type {{ user: BenchUser, answer: Answer }[]} */
      const out = [];
      for (const item of itemsOf(user)) out.push({ user, answer: await call(user, item) });
      return out;
    }),
  );
  return perUser.flat();
}

/** @param {Context} ctx @param {BenchUser} user @param {number} sizeBytes */
const create = (ctx, user, sizeBytes) =>
  gql(
    ctx.gatewayUrl,
    user.authorization,
    CREATE,
    { fileName: 'bench.csv', contentType: 'text/csv', sizeBytes, sourceType: 'CSV' },
    'createUpload',
  );

/** @param {Context} ctx @param {BenchUser} user @param {Upload} upload @param {unknown} parts */
const complete = (ctx, user, upload, parts = undefined) =>
  gql(
    ctx.gatewayUrl,
    user.authorization,
    COMPLETE,
    { uploadId: upload.id, parts },
    'completeUpload',
  );

/** Prints the figure of the answers that succeeded, and how many failed. @param {string} label @param {{ answer: Answer }[]} results */
function reportAnswers(label, results) {
  const ms = results.filter(({ answer }) => !answer.error).map(({ answer }) => answer.ms);
  report(label, ms);
  const failed = results.filter(({ answer }) => answer.error);
  if (failed.length > 0) {
    const slowest = Math.max(...failed.map(({ answer }) => answer.ms));
    console.log(
      `    ${failed.length} failed (slowest after ${slowest.toFixed(0)} ms; causes in .data/logs/bench), e.g. ${failed[0]?.answer.error}`,
    );
  }
  return { label, ms };
}

/** The uploads that were created. @param {{ user: BenchUser, answer: Answer }[]} results @returns {Created[]} */
const created = (results) =>
  results
    .filter(({ answer }) => !answer.error)
    .map(({ user, answer }) => ({ user, upload: answer.value }));

/**
 * Cancels, through abortUpload as their owners, the bench users' pending uploads of one size;
 * returns how many parts each was planned with, and how many of `expected` never appeared. When a
 * createUpload failed (a gateway timeout, say) the subgraph may still be creating the upload: wait
 * (at most 45 s) until `expected` exist.
 * @param {Context} ctx @param {number} sizeBytes @param {number} expected
 */
async function abortPending(ctx, sizeBytes, expected) {
  const started = Date.now();
  /** @type {{ id: string, owner_id: string, part_count: number }[]} */
  let rows;
  for (;;) {
    ({ rows } = await ctx.pool.query(
      `SELECT id, owner_id, part_count FROM ingestion.uploads
       WHERE owner_id = ANY($1::uuid[]) AND size_bytes = $2 AND status = 'PENDING'`,
      [ctx.users.map((u) => u.id), sizeBytes],
    ));
    if (rows.length >= expected || Date.now() - started > 45_000) break;
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  const owners = new Map(ctx.users.map((user) => [user.id, user]));
  await inParallel(rows, 8, async (row) =>
    valueOf(
      await gql(
        ctx.gatewayUrl,
        owners.get(row.owner_id)?.authorization ?? '',
        ABORT,
        { uploadId: row.id },
        'abortUpload',
      ),
      'abortUpload',
    ),
  );
  return { parts: rows[0]?.part_count ?? '?', missing: expected - rows.length };
}

/** @param {number} missing */
const noteMissing = (missing) =>
  missing > 0 &&
  console.log(`    ${missing} of the failed uploads were never created (not aborted)`);

/** @param {Context} ctx @param {number} rounds */
async function singlePutPhases(ctx, rounds) {
  const small = csvBytes(KiB);
  const creates = await eachUserAtOnce(
    ctx.users,
    () => Array.from({ length: rounds }),
    (user) => create(ctx, user, KiB),
  );
  const figures = [reportAnswers('createUpload 1 KiB (single PUT)', creates)];

  const huge = await eachUserAtOnce(
    ctx.users,
    () => [0],
    (user) => create(ctx, user, 5 * GiB),
  );
  const { parts, missing } = await abortPending(ctx, 5 * GiB, huge.length);
  figures.push(reportAnswers(`createUpload 5 GiB declared (${parts} parts)`, huge));
  noteMissing(missing);

  const uploads = created(creates);
  await inParallel(uploads, 16, ({ upload }) => sendBuffer(upload, small, ctx.agent));
  const completes = await eachUserAtOnce(
    ctx.users,
    (user) => uploads.filter((u) => u.user === user),
    (user, { upload }) => complete(ctx, user, upload),
  );
  figures.push(reportAnswers('completeUpload 1 KiB (single PUT)', completes));
  return figures;
}

/**
 * One multipart upload per user of `sizeBytes`, parts sent 8 at a time in all.
 * @param {Context} ctx @param {BenchUser[]} users @param {number} sizeBytes @param {string} name
 */
async function multipartPhase(ctx, users, sizeBytes, name) {
  const bytes = csvBytes(sizeBytes);
  const creates = await eachUserAtOnce(
    users,
    () => [0],
    (user) => create(ctx, user, sizeBytes),
  );
  const uploads = await Promise.all(
    created(creates).map(async ({ user, upload }) => ({
      user,
      upload: await withAllParts(ctx.gatewayUrl, user.authorization, upload),
    })),
  );
  const parts = uploads[0]?.upload.parts.length ?? 0;
  if (uploads.some(({ upload }) => upload.method !== 'MULTIPART')) {
    throw new Error(`a ${name} upload was not planned as multipart`);
  }
  const figures = [reportAnswers(`createUpload ${name} (${parts} parts)`, creates)];
  const sent = await inParallel(uploads, 2, async ({ user, upload }) => ({
    user,
    upload,
    parts: await sendBuffer(upload, bytes, ctx.agent, 4),
  }));
  const completes = await eachUserAtOnce(
    users,
    (user) => sent.filter((s) => s.user === user),
    (user, s) => complete(ctx, user, s.upload, s.parts),
  );
  figures.push(reportAnswers(`completeUpload ${name} (${parts} parts)`, completes));
  return figures;
}

/** File sizes of the users-uploading phase, in turn: from a small export to a few MiB. */
const SESSION_SIZES = [KiB, 64 * KiB, 512 * KiB, 4 * MiB];

/**
 * Every user uploads `rounds` files one after the other, as the app does; users start at random
 * moments within the first second, as people do.
 * @param {Context} ctx @param {number} rounds
 */
async function usersUploading(ctx, rounds) {
  const files = SESSION_SIZES.map((size) => csvBytes(size));
  /** @type {{ user: BenchUser, answer: Answer }[]} */ const creates = [];
  /** @type {{ user: BenchUser, answer: Answer }[]} */ const completes = [];
  await Promise.all(
    ctx.users.map(async (user, u) => {
      await new Promise((resolve) => setTimeout(resolve, Math.random() * 1000));
      for (let round = 0; round < rounds; round += 1) {
        const bytes = /** @type {Buffer} */ (files[(u + round) % files.length]);
        const created = await create(ctx, user, bytes.length);
        creates.push({ user, answer: created });
        if (created.error) continue;
        await sendBuffer(created.value, bytes, ctx.agent);
        completes.push({ user, answer: await complete(ctx, user, created.value) });
      }
    }),
  );
  return [
    reportAnswers('createUpload, users uploading', creates),
    reportAnswers('completeUpload, users uploading', completes),
  ];
}

/** createUpload one call at a time. @param {Context} ctx @param {number} sizeBytes @param {number} count */
async function oneAtATime(ctx, sizeBytes, count) {
  const user = /** @type {BenchUser} */ (ctx.users[0]);
  const creates = await eachUserAtOnce(
    [user],
    () => Array.from({ length: count }),
    () => create(ctx, user, sizeBytes),
  );
  return { creates, missing: (await abortPending(ctx, sizeBytes, creates.length)).missing };
}

/**
 * @param {Context} ctx
 * @param {{ rounds: number, multipartUsers: number, singlePutMaxBytes: number }} options
 */
export async function uploadLatency(ctx, { rounds, multipartUsers, singlePutMaxBytes }) {
  console.log(
    `\ncreateUpload / completeUpload through the gateway, ${ctx.users.length} users at once (goal: p95 < ${GOAL_MS} ms, whatever the size)`,
  );
  console.log(`  machine: ${loadAverage()}`);
  console.log(
    `  users uploading at once: ${rounds} files each (${SESSION_SIZES.map((b) => `${b / KiB} KiB`).join(', ')} in turn), create + PUT + complete`,
  );
  const figures = await usersUploading(ctx, rounds);
  console.log('  bursts: every user makes the same call at the same moment');
  figures.push(...(await singlePutPhases(ctx, rounds)));
  if (multipartUsers > 0) {
    const name = `${singlePutMaxBytes / MiB} MiB + 1 KiB`;
    console.log(`  multipart: ${multipartUsers} users at once, one upload each, parts sent first`);
    figures.push(
      ...(await multipartPhase(
        ctx,
        ctx.users.slice(0, multipartUsers),
        singlePutMaxBytes + KiB,
        name,
      )),
    );
  }
  console.log('  for comparison, one call at a time:');
  for (const [label, size, calls] of /** @type {const} */ ([
    ['createUpload 1 KiB, 1 at a time', KiB, 20],
    ['createUpload 5 GiB declared, 1 at a time', 5 * GiB, 10],
  ])) {
    const { creates, missing } = await oneAtATime(ctx, size, calls);
    figures.push(reportAnswers(label, creates));
    noteMissing(missing);
  }
  const verdict = figures.map(
    ({ label, ms }) => `${percentile(ms, 95) < GOAL_MS ? 'met' : 'MISSED'}: ${label}`,
  );
  console.log(`  goal p95 < ${GOAL_MS} ms:\n    ${verdict.join('\n    ')}`);
}
