/**
 * A service's Kafka consumer that survives Kafka being away: it connects in the background and
 * keeps trying (back-off up to 30 s); kafkajs restarts it after a crash it deems retriable, and
 * this starts a new one after any other crash (a broker fenced under load answers "not the
 * coordinator" until kafkajs gives up, which would otherwise end the consumer for good). Each message is
 * handed over parsed from JSON (`undefined` when it is not JSON); offsets are committed once the
 * handler resolves, so a handler that throws gets the message again.
 */
import type { Consumer, Kafka } from 'kafkajs';
import type { Logger } from './logger';

export interface ConsumerMessage {
  topic: string;
  partition: number;
  offset: string;
  key: string | null;
  value: unknown;
}

export interface ConsumerOptions {
  kafka: Kafka;
  groupId: string;
  topics: readonly string[];
  /** A new group starts at the earliest offset (true) or the latest (false). */
  fromBeginning: boolean;
  logger: Logger;
  handle: (message: ConsumerMessage) => Promise<void>;
}

export interface RunningConsumer {
  /** True once the consumer has joined its group. */
  readonly ready: boolean;
  stop(): Promise<void>;
}

/** Pause before a new consumer replaces one that kafkajs would not restart. */
const RESTART_AFTER_MS = 1_000;

export function runConsumerInBackground(options: ConsumerOptions): RunningConsumer {
  const log = options.logger.child({ source: 'consumer', groupId: options.groupId });
  let consumer: Consumer | undefined;
  let ready = false;
  let stopped = false;
  let retryTimer: NodeJS.Timeout | undefined;
  /** The attempt under way, which `stop` waits for before disconnecting. */
  let starting: Promise<void> | undefined;

  async function start(): Promise<void> {
    consumer = options.kafka.consumer({
      groupId: options.groupId,
      sessionTimeout: 10_000,
      heartbeatInterval: 1_000,
      allowAutoTopicCreation: false,
      retry: {
        retries: Number.MAX_SAFE_INTEGER,
        initialRetryTime: 300,
        maxRetryTime: 5_000,
        // kafkajs restarts a crashed consumer on a timer; once stopped, it must stay stopped.
        restartOnFailure: async () => !stopped,
      },
    });
    const self = consumer;
    // A restart that was already scheduled when `stop` ran: disconnect it again.
    consumer.on(consumer.events.CONNECT, () => {
      if (stopped) void self.disconnect().catch(() => undefined);
    });
    consumer.on(consumer.events.GROUP_JOIN, () => (ready = true));
    consumer.on(consumer.events.DISCONNECT, () => (ready = false));
    consumer.on(consumer.events.CRASH, (event) => {
      ready = false;
      if (event.payload.restart) {
        log.error({ err: event.payload.error }, 'Kafka consumer crashed; kafkajs restarts it');
        return;
      }
      // kafkajs has disconnected it and will not restart it: a new consumer takes over.
      if (stopped || consumer !== self) return;
      log.error(
        { err: event.payload.error, retryInMs: RESTART_AFTER_MS },
        'Kafka consumer crashed and kafkajs gave up on it; starting a new one',
      );
      retryTimer = setTimeout(() => void attempt(RESTART_AFTER_MS), RESTART_AFTER_MS);
    });
    await consumer.connect();
    if (stopped) return; // `stop` came while connecting: it disconnects once this returns
    await consumer.subscribe({ topics: [...options.topics], fromBeginning: options.fromBeginning });
    if (stopped) return;
    await consumer.run({
      eachMessage: async ({ topic, partition, message }) => {
        let value: unknown;
        try {
          value = JSON.parse(message.value?.toString('utf8') ?? '');
        } catch {
          value = undefined;
        }
        await options.handle({
          topic,
          partition,
          offset: message.offset,
          key: message.key?.toString('utf8') ?? null,
          value,
        });
      },
    });
  }

  const attempt = async (delayMs: number): Promise<void> => {
    if (stopped) return;
    try {
      starting = start();
      await starting;
    } catch (error) {
      await consumer?.disconnect().catch(() => undefined);
      if (stopped) return;
      log.warn({ err: error, retryInMs: delayMs }, 'Kafka consumer could not start; retrying');
      retryTimer = setTimeout(() => void attempt(Math.min(delayMs * 2, 30_000)), delayMs);
    }
  };
  void attempt(1_000);

  return {
    get ready() {
      return ready;
    },
    async stop() {
      stopped = true;
      clearTimeout(retryTimer);
      await starting?.catch(() => undefined);
      await consumer?.disconnect().catch(() => undefined);
      ready = false;
    },
  };
}
