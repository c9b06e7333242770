/**
 * The gateway's one Kafka consumer and its in-process fan-out. Every gateway instance reads every
 * subscribed topic with its own consumer group (so each instance sees all messages), starting at
 * the latest offset, and hands each message to the subscribers registered for its topic and key.
 * Subscribers get a bounded async iterator; returning from it (client disconnect, `complete`)
 * removes the registration, so a closed subscription holds nothing (Property 30).
 */
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import type { Kafka } from 'kafkajs';
import { runConsumerInBackground, type Logger, type RunningConsumer } from '@platform/runtime';

export interface BusMessage {
  topic: string;
  key: string | null;
  value: unknown;
}

interface Registration {
  topic: string;
  key: string | undefined;
  push(message: BusMessage): void;
  close(): void;
}

/** Messages waiting for a slow subscriber before the oldest are dropped. */
const MAX_BUFFERED = 256;

export class SubscriptionBus {
  private readonly registrations = new Set<Registration>();
  private consumer: RunningConsumer | undefined;
  private readonly log: Logger;

  constructor(
    private readonly kafka: Kafka,
    private readonly topics: readonly string[],
    logger: Logger,
    private readonly groupId = `gateway-${hostname()}-${randomUUID().slice(0, 8)}`,
  ) {
    this.log = logger.child({ source: 'subscription-bus' });
  }

  /**
   * Connects in the background and keeps trying (with back-off up to 30 s) while Kafka is
   * unreachable; `ready` turns true once the consumer has joined its group.
   */
  startInBackground(): void {
    this.consumer = runConsumerInBackground({
      kafka: this.kafka,
      groupId: this.groupId,
      topics: this.topics,
      fromBeginning: false,
      logger: this.log,
      handle: async ({ topic, key, offset, value }) => {
        if (value === undefined) {
          this.log.warn({ topic, offset }, 'dropped a message that is not JSON');
          return;
        }
        this.publish({ topic, key, value });
      },
    });
  }

  get ready(): boolean {
    return this.consumer?.ready ?? false;
  }

  /** Number of live subscriptions held in this process. */
  get size(): number {
    return this.registrations.size;
  }

  /** Delivers to every subscriber of the topic whose key matches (or who takes every key). */
  publish(message: BusMessage): number {
    let delivered = 0;
    for (const registration of this.registrations) {
      if (registration.topic !== message.topic) continue;
      if (registration.key !== undefined && registration.key !== message.key) continue;
      registration.push(message);
      delivered += 1;
    }
    return delivered;
  }

  /**
   * Subscribes to one topic, optionally one key; `transform` maps each message to what the
   * subscriber receives, or to `undefined` to skip it (e.g. a payload that fails validation). The
   * registration exists from this call until the iterator is returned or thrown into. This is a
   * plain iterator, not an async generator, so `return()` takes effect at once even while a
   * `next()` is pending: a disconnect never waits for the next message to be released.
   */
  subscribe<T = BusMessage>(
    topic: string,
    key?: string,
    transform: (message: BusMessage) => T | undefined = (m) => m as T,
  ): AsyncIterableIterator<T> {
    const buffer: T[] = [];
    let waiting: ((result: IteratorResult<T>) => void) | undefined;
    let done = false;
    const registration: Registration = {
      topic,
      key,
      close: () => void finish(),
      push: (raw) => {
        if (done) return;
        const message = transform(raw);
        if (message === undefined) return;
        if (waiting) {
          const resolve = waiting;
          waiting = undefined;
          resolve({ value: message, done: false });
          return;
        }
        buffer.push(message);
        if (buffer.length > MAX_BUFFERED) buffer.shift();
      },
    };
    this.registrations.add(registration);
    const finish = (): IteratorResult<T> => {
      done = true;
      this.registrations.delete(registration);
      buffer.length = 0;
      if (waiting) {
        const resolve = waiting;
        waiting = undefined;
        resolve({ value: undefined, done: true });
      }
      return { value: undefined, done: true };
    };
    const iterator: AsyncIterableIterator<T> = {
      next: () => {
        if (done) return Promise.resolve({ value: undefined, done: true });
        if (buffer.length > 0) return Promise.resolve({ value: buffer.shift() as T, done: false });
        return new Promise((resolve) => {
          waiting = resolve;
        });
      },
      return: () => Promise.resolve(finish()),
      throw: (error?: unknown) => {
        finish();
        return Promise.reject(error);
      },
      [Symbol.asyncIterator]() {
        return iterator;
      },
    };
    return iterator;
  }

  async stop(): Promise<void> {
    for (const registration of [...this.registrations]) registration.close();
    await this.consumer?.stop();
  }
}
