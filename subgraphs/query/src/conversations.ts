/**
 * The last turn of each conversation (question as understood, and its SQL), kept in Redis for an
 * hour so a follow-up can refer to it. Keyed by user and conversation id: one user cannot read or
 * continue another's conversation, and a conversation is about one data set.
 */
import { z } from 'zod';
import type { Logger, Redis } from '@platform/runtime';
import type { PreviousTurn } from './engines/engine';

const TTL_SECONDS = 60 * 60;
const Turn = z.object({ datasetId: z.string(), question: z.string(), sql: z.string() });

export function createConversations(redis: Redis, logger: Logger) {
  const key = (userId: string, conversationId: string) =>
    `query:conversation:${userId}:${conversationId}`;
  return {
    async last(
      userId: string,
      conversationId: string,
      datasetId: string,
    ): Promise<PreviousTurn | null> {
      try {
        const text = await redis.get(key(userId, conversationId));
        const turn = text ? Turn.safeParse(JSON.parse(text)) : null;
        if (!turn?.success || turn.data.datasetId !== datasetId) return null;
        return { question: turn.data.question, sql: turn.data.sql };
      } catch (error) {
        logger.warn({ err: error }, 'conversation read failed; answering without it');
        return null;
      }
    },
    async remember(userId: string, conversationId: string, datasetId: string, turn: PreviousTurn) {
      try {
        const value = JSON.stringify({ datasetId, question: turn.question, sql: turn.sql });
        await redis.set(key(userId, conversationId), value, 'EX', TTL_SECONDS);
      } catch (error) {
        logger.warn({ err: error }, 'conversation write failed');
      }
    },
  };
}
export type Conversations = ReturnType<typeof createConversations>;
