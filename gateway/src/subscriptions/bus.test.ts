/**
 * The in-process fan-out, without Kafka (messages are published directly).
 *
 * Feature: ai-analytics-platform, Property 28: Message forwarding — for any message received on a
 * subscribed topic, every subscriber of that topic (and key) gets it, in order, and no one else does.
 * Feature: ai-analytics-platform, Property 30: Connection cleanup — for any disconnection, the
 * subscription's resources are released.
 */
import fc from 'fast-check';
import { Kafka, logLevel } from 'kafkajs';
import { createKafka, createLogger } from '@platform/runtime';
import { SubscriptionBus, type BusMessage } from './bus';

const logger = createLogger('test', 'silent');
const newBus = () =>
  new SubscriptionBus(createKafka('test', ['127.0.0.1:1'], logger), ['a', 'b'], logger);

async function drain(iterator: AsyncIterableIterator<BusMessage>, count: number) {
  const out: BusMessage[] = [];
  for (let i = 0; i < count; i += 1) {
    const next = await iterator.next();
    if (next.done) break;
    out.push(next.value);
  }
  return out;
}

const topic = fc.constantFrom('a', 'b');
const key = fc.constantFrom('k1', 'k2', 'k3');

describe('SubscriptionBus', () => {
  it('Property 28: forwards each message to exactly the matching subscribers, in order', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.record({ topic, key: fc.option(key, { nil: undefined }) }), {
          minLength: 1,
          maxLength: 6,
        }),
        fc.array(fc.record({ topic, key, value: fc.integer() }), { maxLength: 40 }),
        async (subscribers, messages) => {
          const bus = newBus();
          const iterators = subscribers.map((s) => bus.subscribe(s.topic, s.key));
          for (const m of messages) bus.publish({ topic: m.topic, key: m.key, value: m.value });
          for (const [i, s] of subscribers.entries()) {
            const expected = messages
              .filter((m) => m.topic === s.topic && (s.key === undefined || s.key === m.key))
              .map((m) => m.value);
            const got = await drain(iterators[i]!, expected.length);
            expect(got.map((m) => m.value)).toEqual(expected);
            // Nothing else is waiting for this subscriber.
            bus.publish({ topic: 'c', key: null, value: 'sentinel' });
            await iterators[i]!.return!();
          }
          expect(bus.size).toBe(0);
        },
      ),
    );
  });

  it('Property 30: after any interleaving of subscribes and disconnects, only open subscriptions are held', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(
          fc.oneof(
            fc.record({ op: fc.constant('subscribe' as const), topic }),
            fc.record({ op: fc.constant('close' as const), index: fc.nat(20) }),
          ),
          {
            maxLength: 50,
          },
        ),
        async (ops) => {
          const bus = newBus();
          const open: AsyncIterableIterator<BusMessage>[] = [];
          for (const op of ops) {
            if (op.op === 'subscribe') open.push(bus.subscribe(op.topic));
            else if (open.length > 0) {
              const [closed] = open.splice(op.index % open.length, 1);
              await closed!.return!();
            }
            expect(bus.size).toBe(open.length);
          }
          await Promise.all(open.map((it) => it.return!()));
          expect(bus.size).toBe(0);
        },
      ),
    );
  });

  it('releases a subscription whose next() is pending, at once, without waiting for a message', async () => {
    const bus = newBus();
    const iterator = bus.subscribe('a', 'k1');
    const pending = iterator.next();
    await iterator.return!();
    expect(bus.size).toBe(0);
    await expect(pending).resolves.toEqual({ value: undefined, done: true });
  });

  it('skips messages the transform rejects', async () => {
    const bus = newBus();
    const iterator = bus.subscribe('a', undefined, (m) =>
      typeof m.value === 'number' ? m.value : undefined,
    );
    bus.publish({ topic: 'a', key: null, value: 'garbage' });
    bus.publish({ topic: 'a', key: null, value: 7 });
    await expect(iterator.next()).resolves.toEqual({ value: 7, done: false });
    await iterator.return!();
  });

  it('bounds what a slow subscriber buffers', async () => {
    const bus = newBus();
    const iterator = bus.subscribe('a');
    for (let i = 0; i < 1000; i += 1) bus.publish({ topic: 'a', key: null, value: i });
    const first = await iterator.next();
    expect((first.value as BusMessage).value).toBe(1000 - 256);
    await iterator.return!();
  });

  it('stop() ends every open subscription', async () => {
    const bus = newBus();
    const iterator = bus.subscribe('b');
    const pending = iterator.next();
    await bus.stop();
    await expect(pending).resolves.toMatchObject({ done: true });
    expect(bus.size).toBe(0);
  });

  it('with Kafka unreachable it is not ready, keeps no subscription open after stop(), and stops retrying', async () => {
    const unreachable = new Kafka({
      brokers: ['127.0.0.1:1'],
      retry: { retries: 0 },
      connectionTimeout: 200,
      logLevel: logLevel.NOTHING,
    });
    const bus = new SubscriptionBus(unreachable, ['a'], logger);
    bus.startInBackground();
    await new Promise((resolve) => setTimeout(resolve, 500));
    const iterator = bus.subscribe('a');
    expect(bus.ready).toBe(false);
    await bus.stop();
    expect(bus.size).toBe(0);
    await expect(iterator.next()).resolves.toMatchObject({ done: true });
    expect(bus.ready).toBe(false);
  });
});
