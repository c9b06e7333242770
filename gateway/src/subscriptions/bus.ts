/**
 * The gateway's one Kafka consumer and its in-process fan-out. Every gateway instance reads every
 * subscribed topic with its own consumer group (so each instance sees all messages), starting at
 * the latest offset, and hands each message to the subscribers registered for its topic and key.
 * Subscribers get a bounded async iterator; returning from it (client disconnect, `complete`)
 * removes the registration, so a closed subscription holds nothing (Property 30).
 */
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import type { Consumer, Kafka } from 'kafkajs';
import type { Logger } from '@platform/runtime';

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
  private consumer: Consumer | undefined;
  private connected = false;
  private stopped = false;
  private retryTimer: NodeJS.Timeout | undefined;
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
    this.stopped = false;
    const attempt = async (delayMs: number): Promise<void> => {
      if (this.stopped) return;
      try {
        await this.start();
      } catch (error) {
        await this.consumer?.disconnect().catch(() => undefined);
        if (this.stopped) return;
        const next = Math.min(delayMs * 2, 30_000);
        this.log.warn(
          { err: error, retryInMs: delayMs },
          'Kafka consumer could not start; retrying',
        );
        this.retryTimer = setTimeout(() => void attempt(next), delayMs);
      }
    };
    void attempt(1_000);
  }

  async start(): Promise<void> {
    const consumer = this.kafka.consumer({
      groupId: this.groupId,
      sessionTimeout: 10_000,
      heartbeatInterval: 1_000,
      allowAutoTopicCreation: false,
      retry: { retries: Number.MAX_SAFE_INTEGER, initialRetryTime: 300, maxRetryTime: 5_000 },
    });
    consumer.on(consumer.events.GROUP_JOIN, () => {
      this.connected = true;
    });
    consumer.on(consumer.events.CRASH, (event) => {
      this.connected = false;
      this.log.error({ err: event.payload.error }, 'Kafka consumer crashed; kafkajs restarts it');
    });
    consumer.on(consumer.events.DISCONNECT, () => {
      this.connected = false;
    });
    this.consumer = consumer;
    await consumer.connect();
    await consumer.subscribe({ topics: [...this.topics], fromBeginning: false });
    await consumer.run({
      eachMessage: async ({ topic, message }) => {
        let value: unknown;
        try {
          value = JSON.parse(message.value?.toString('utf8') ?? 'null');
        } catch {
          this.log.warn({ topic, offset: message.offset }, 'dropped a message that is not JSON');
          return;
        }
        this.publish({ topic, key: message.key?.toString('utf8') ?? null, value });
      },
    });
  }

  get ready(): boolean {
    return this.connected;
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
    this.stopped = true;
    clearTimeout(this.retryTimer);
    for (const registration of [...this.registrations]) registration.close();
    await this.consumer?.disconnect();
    this.connected = false;
  }
}
