/**
 * Kafka clients (kafkajs). Producers are idempotent with one request in flight, so a retried send
 * never duplicates nor reorders a key's events. kafkajs' own logs go through pino.
 */
import { Kafka, logLevel, type LogEntry, type Producer } from 'kafkajs';
import type { Logger } from './logger';

export type { Kafka, Producer };

const LEVELS: Record<number, 'error' | 'warn' | 'info' | 'debug'> = {
  [logLevel.ERROR]: 'error',
  [logLevel.WARN]: 'warn',
  [logLevel.INFO]: 'info',
  [logLevel.DEBUG]: 'debug',
};

export function createKafka(clientId: string, brokers: string[], logger: Logger): Kafka {
  const log = logger.child({ source: 'kafkajs' });
  return new Kafka({
    clientId,
    brokers,
    connectionTimeout: 3_000,
    requestTimeout: 10_000,
    retry: { initialRetryTime: 200, retries: 5, maxRetryTime: 5_000 },
    logLevel: logLevel.WARN,
    logCreator:
      () =>
      ({ level, label, log: entry }: LogEntry) => {
        const { message, ...fields } = entry;
        log[LEVELS[level] ?? 'info']({ ...fields, kafkaLevel: label }, message);
      },
  });
}

/**
 * Retries are bounded (kafkajs would retry an idempotent send forever), so a Kafka outage fails the
 * send and the outbox keeps the rows for its next attempt. Delivery is therefore at least once
 * across outbox attempts; consumers are idempotent by event or job id.
 */
export function createProducer(kafka: Kafka): Producer {
  return kafka.producer({
    idempotent: true,
    maxInFlightRequests: 1,
    allowAutoTopicCreation: false,
    retry: { retries: 5, initialRetryTime: 300, maxRetryTime: 5_000 },
  });
}
