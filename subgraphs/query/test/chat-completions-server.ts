/**
 * A hosted language model cannot run here, so tests talk to this instead: a real HTTP server on
 * loopback speaking the OpenAI Chat Completions protocol (`POST /v1/chat/completions`, bearer
 * key, OpenAI's response and error bodies), so the real `openai` client code runs end to end.
 * Each test scripts the replies (an answer, a hang, an error status, a malformed body) and reads
 * back every request body the server received, to assert what the engine sent.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { z } from 'zod';

/** The part of a chat request the tests read; other fields are kept as sent. */
const chatRequestSchema = z
  .object({
    model: z.string().min(1),
    // Text messages only: the engine under test never sends images, audio or tool calls.
    messages: z
      .array(
        z.object({
          role: z.enum(['system', 'developer', 'user', 'assistant']),
          content: z.string(),
        }),
      )
      .min(1),
  })
  .loose();

export type ChatRequest = z.infer<typeof chatRequestSchema>;
export type ChatMessage = ChatRequest['messages'][number];

export interface RecordedRequest {
  body: ChatRequest;
  /** Whether it carried the server's key; unauthorized requests are recorded too, then refused. */
  authorized: boolean;
}

export type ChatReply =
  /** A completion whose message is `content`. */
  | { content: string; finishReason?: 'stop' | 'length' | 'content_filter' }
  /** Never answers; with `afterHeaders`, sends a 200 and its headers, then never the body. */
  | { hang: true; afterHeaders?: boolean }
  /** An OpenAI-style error body with this status. */
  | { status: number; message: string; type?: string; code?: string | null }
  /** This text, verbatim, as an `application/json` body: truncated or wrong-shaped JSON. */
  | { raw: string; status?: number };

/** Decides the reply to a request; `index` counts the authorized requests, from 0. */
export type Replier = (request: ChatRequest, index: number) => ChatReply;

export interface ChatCompletionsServer {
  /** The base URL to give the client, ending in `/v1`. */
  url: string;
  /** The bearer key the server accepts. */
  apiKey: string;
  /** Every parsed request body, in the order received. */
  requests: RecordedRequest[];
  /** Sets how the following requests are answered: one reply for all, or a function. */
  reply(next: ChatReply | Replier): void;
  /** Stops listening and drops open connections, hanging ones included. */
  close(): Promise<void>;
}

const COMPLETIONS_PATH = '/v1/chat/completions';
// A wrong request should fail the test loudly, not wait for the client's timeout.
const UNSCRIPTED: ChatReply = { status: 500, message: 'No reply was scripted for this request.' };

export async function startChatCompletionsServer(
  options: { apiKey?: string } = {},
): Promise<ChatCompletionsServer> {
  const apiKey = options.apiKey ?? 'sk-test-chat-completions-server-key';
  const requests: RecordedRequest[] = [];
  let replier: Replier = () => UNSCRIPTED;
  let answered = 0;

  const server = createServer((request, response) => {
    handle(request, response).catch((error: unknown) => {
      sendError(response, 500, error instanceof Error ? error.message : String(error));
    });
  });

  async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const path = (request.url ?? '').split('?')[0];
    if (request.method !== 'POST' || path !== COMPLETIONS_PATH) {
      sendError(
        response,
        404,
        `Unknown request: ${request.method} ${path}`,
        'invalid_request_error',
      );
      return;
    }
    let json: unknown;
    try {
      json = JSON.parse(await readBody(request));
    } catch {
      sendError(response, 400, 'The request body is not valid JSON.', 'invalid_request_error');
      return;
    }
    const parsed = chatRequestSchema.safeParse(json);
    if (!parsed.success) {
      sendError(response, 400, parsed.error.message, 'invalid_request_error');
      return;
    }
    const authorized = request.headers.authorization === `Bearer ${apiKey}`;
    requests.push({ body: parsed.data, authorized });
    if (!authorized) {
      // OpenAI's wording, with the key masked as OpenAI masks it.
      sendError(
        response,
        401,
        `Incorrect API key provided: ${mask(request.headers.authorization)}.`,
        'invalid_request_error',
        'invalid_api_key',
      );
      return;
    }
    const reply = replier(parsed.data, answered);
    answered += 1;
    send(response, parsed.data, reply);
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}/v1`,
    apiKey,
    requests,
    reply(next) {
      replier = typeof next === 'function' ? next : () => next;
    },
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve, reject) =>
        server.close((error) => (error ? reject(error) : resolve())),
      );
    },
  };
}

function send(response: ServerResponse, request: ChatRequest, reply: ChatReply): void {
  if ('hang' in reply) {
    if (reply.afterHeaders) {
      // flushHeaders sends the status line and headers now; the body never follows.
      response.writeHead(200, { 'content-type': 'application/json' });
      response.flushHeaders();
    }
    // The response stays open until the client gives up or `close` drops the connection.
    return;
  }
  if ('raw' in reply) {
    response.writeHead(reply.status ?? 200, { 'content-type': 'application/json' });
    response.end(reply.raw);
    return;
  }
  if ('status' in reply) {
    sendError(response, reply.status, reply.message, reply.type, reply.code);
    return;
  }
  const promptChars = request.messages.reduce((sum, message) => sum + message.content.length, 0);
  const usage = {
    prompt_tokens: tokens(promptChars),
    completion_tokens: tokens(reply.content.length),
  };
  sendJson(response, 200, {
    id: `chatcmpl-${Math.random().toString(36).slice(2)}`,
    object: 'chat.completion',
    created: Math.floor(Date.now() / 1000),
    model: request.model,
    choices: [
      {
        index: 0,
        message: { role: 'assistant', content: reply.content, refusal: null },
        logprobs: null,
        finish_reason: reply.finishReason ?? 'stop',
      },
    ],
    usage: { ...usage, total_tokens: usage.prompt_tokens + usage.completion_tokens },
  });
}

function sendError(
  response: ServerResponse,
  status: number,
  message: string,
  type = status >= 500 ? 'server_error' : 'invalid_request_error',
  code: string | null = null,
): void {
  sendJson(response, status, { error: { message, type, param: null, code } });
}

function sendJson(response: ServerResponse, status: number, body: unknown): void {
  response.writeHead(status, { 'content-type': 'application/json' });
  response.end(JSON.stringify(body));
}

async function readBody(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

// About four characters a token, which is all a test double's usage figures need to be.
const tokens = (chars: number) => Math.ceil(chars / 4);

function mask(authorization: string | undefined): string {
  const key = authorization?.replace(/^Bearer\s+/i, '') ?? '';
  return key.length > 8 ? `${key.slice(0, 3)}***${key.slice(-4)}` : '***';
}
