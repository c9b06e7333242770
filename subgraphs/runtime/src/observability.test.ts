/**
 * Feature: ai-analytics-platform, Property 46: Prometheus metrics emission — for any API request,
 * the request count, its duration and its errors are recorded.
 * Feature: ai-analytics-platform, Property 47: Error logging completeness — for any error, the log
 * has the timestamp, the request context and the stack trace; the client gets none of the internals.
 */
import { Writable } from 'node:stream';
import { ApolloServer } from '@apollo/server';
import fc from 'fast-check';
import { pino } from 'pino';
import { AppError, ErrorCode, toClientError } from './errors';
import { createMetrics, metricsPlugin, operationLabel } from './metrics';
import { errorLoggingPlugin } from './subgraph';
import { runWithRequestId, currentRequestId } from './request-context';

const typeDefs = `type Query { ok: Int, fails(code: String!, message: String!): Int, crashes(message: String!): Int }`;
const resolvers = {
  Query: {
    ok: () => 1,
    fails: (_: unknown, a: { code: string; message: string }) => {
      throw new AppError(a.code as ErrorCode, a.message);
    },
    crashes: (_: unknown, a: { message: string }) => {
      throw new Error(a.message);
    },
  },
};

function memoryLogger() {
  const lines: Record<string, unknown>[] = [];
  const stream = new Writable({
    write(chunk, _enc, done) {
      lines.push(JSON.parse(chunk.toString()));
      done();
    },
  });
  return {
    logger: pino({ level: 'info', timestamp: pino.stdTimeFunctions.isoTime }, stream),
    lines,
  };
}

const opName = fc.stringMatching(/^[A-Za-z_][A-Za-z0-9_]{0,20}$/);
const outcome = fc.constantFrom('ok', 'fails', 'crashes');

describe('metrics and error logging', () => {
  it('Property 46: every operation is counted once, timed once, and its errors counted by code', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.record({ name: opName, outcome }), { minLength: 1, maxLength: 12 }),
        async (ops) => {
          const metrics = createMetrics('test', { defaults: false });
          const server = new ApolloServer({
            typeDefs,
            resolvers,
            plugins: [metricsPlugin(metrics)],
          });
          await server.start();
          for (const op of ops) {
            const field =
              op.outcome === 'ok'
                ? 'ok'
                : op.outcome === 'fails'
                  ? 'fails(code: "NOT_FOUND", message: "x")'
                  : 'crashes(message: "x")';
            await server.executeOperation({ query: `query ${op.name} { ${field} }` });
          }
          await server.stop();
          const counted = await metrics.operations.get();
          const timed = await metrics.duration.get();
          const errors = await metrics.errors.get();
          for (const name of new Set(ops.map((o) => o.name))) {
            const mine = ops.filter((o) => o.name === name);
            const sum = (
              values: { labels: Record<string, unknown>; value: number }[],
              extra: Record<string, string> = {},
            ) =>
              values
                .filter(
                  (v) =>
                    v.labels.operation === name &&
                    Object.entries(extra).every(([k, x]) => v.labels[k] === x),
                )
                .reduce((a, v) => a + v.value, 0);
            expect(sum(counted.values)).toBe(mine.length);
            expect(sum(counted.values, { outcome: 'error' })).toBe(
              mine.filter((o) => o.outcome !== 'ok').length,
            );
            expect(
              sum(
                timed.values.filter(
                  (v) => v.metricName === 'graphql_operation_duration_seconds_count',
                ),
              ),
            ).toBe(mine.length);
            expect(sum(errors.values, { code: 'NOT_FOUND' })).toBe(
              mine.filter((o) => o.outcome === 'fails').length,
            );
          }
        },
      ),
      { numRuns: 15 },
    );
  });

  it('bounds operation-name labels', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 300 }), (name) => {
        expect(operationLabel(name)).toMatch(/^[A-Za-z_][A-Za-z0-9_]{0,63}$/);
      }),
    );
  });

  it('Property 47: any unexpected error is logged with time, request id and stack; the client sees none of it', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.string({ minLength: 4, maxLength: 80 }),
        fc.uuid(),
        async (message, requestId) => {
          const { logger, lines } = memoryLogger();
          const server = new ApolloServer({
            typeDefs,
            resolvers,
            includeStacktraceInErrorResponses: false,
            formatError: (formatted) => toClientError(formatted, currentRequestId()),
            plugins: [errorLoggingPlugin(logger)],
          });
          await server.start();
          const response = await runWithRequestId(requestId, () =>
            server.executeOperation({
              query: 'query Q($m: String!) { crashes(message: $m) }',
              variables: { m: message },
            }),
          );
          await server.stop();
          const body = response.body.kind === 'single' ? response.body.singleResult : undefined;
          const clientError = body?.errors?.[0];
          expect(clientError?.extensions).toMatchObject({ code: 'INTERNAL', requestId });
          expect(JSON.stringify(body)).not.toContain(JSON.stringify(message).slice(1, -1));
          const logged = lines.find((line) => line.msg === 'unexpected error');
          expect(logged).toBeDefined();
          expect(logged).toMatchObject({ requestId, operation: 'Q', level: 50 });
          expect(typeof logged!.time).toBe('string');
          const err = logged!.err as { message: string; stack: string };
          expect(err.message).toBe(message);
          expect(err.stack).toMatch(/\n\s+at /);
        },
      ),
      { numRuns: 25 },
    );
  });
});
