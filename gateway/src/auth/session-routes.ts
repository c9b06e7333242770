/**
 * The app's session, kept in an HttpOnly cookie so no script on the page can read the token:
 *
 * - `POST /auth/session` `{email, password}` signs in through the same `login` operation as the
 *   API (same limits and errors), sets the cookie, and answers `{user, expiresAt}` without the token.
 * - `DELETE /auth/session` revokes the token (Redis, until it would have expired) and clears the cookie.
 *
 * The cookie is `SameSite=Strict` and the sign-in POST must be JSON, so another site can neither
 * send the cookie nor sign a visitor in.
 */
import express, { type Express } from 'express';
import { stringifySetCookie } from 'cookie';
import { z } from 'zod';
import type { ApolloServer } from '@apollo/server';
import {
  AppError,
  ErrorCode,
  badInput,
  revokeToken,
  sendError,
  type Logger,
  type Redis,
  type VerifyToken,
} from '@platform/runtime';
import type { GatewayContext } from '../context';
import { SESSION_COOKIE, sessionCookie } from './authenticate';

export const SESSION_PATH = '/auth/session';

const LOGIN = `mutation SignIn($email: String!, $password: String!) {
  login(email: $email, password: $password) { token expiresAt user { id email role tier } }
}`;

const Body = z.object({ email: z.string().max(1000), password: z.string().max(1000) });

interface LoginResult {
  login: { token: string; expiresAt: string; user: Record<string, unknown> };
}

export function sessionRoutes(
  app: Express,
  deps: {
    apollo: ApolloServer<GatewayContext>;
    redis: Redis;
    verify: VerifyToken;
    secureCookie: boolean;
    logger: Logger;
  },
) {
  const cookie = (value: string, maxAge: number) =>
    stringifySetCookie({
      name: SESSION_COOKIE,
      value,
      httpOnly: true,
      sameSite: 'strict',
      secure: deps.secureCookie,
      path: '/',
      maxAge,
    });

  app.post(SESSION_PATH, express.json({ limit: '8kb' }), async (req, res, next) => {
    try {
      const body = Body.safeParse(req.body);
      if (!body.success) throw badInput('Send a JSON body with `email` and `password`.');
      const response = await deps.apollo.executeOperation(
        { query: LOGIN, variables: body.data },
        {
          contextValue: { requestId: req.requestId, clientAddress: req.socket.remoteAddress ?? '' },
        },
      );
      if (response.body.kind !== 'single') throw new Error('unexpected incremental response');
      const { data, errors } = response.body.singleResult;
      if (errors?.length) {
        // Already in the platform's format (formatError ran): pass on its status and headers.
        for (const [name, value] of response.http.headers) res.setHeader(name, value);
        const code = errors[0]!.extensions?.code;
        res.status(response.http.status ?? (code === ErrorCode.UNAUTHENTICATED ? 401 : 400));
        res.json({ errors });
        return;
      }
      const { token, expiresAt, user } = (data as unknown as LoginResult).login;
      const maxAge = Math.max(0, Math.floor((Date.parse(expiresAt) - Date.now()) / 1000));
      res.setHeader('set-cookie', cookie(token, maxAge));
      res.setHeader('cache-control', 'no-store');
      res.json({ user, expiresAt });
    } catch (error) {
      if (error instanceof AppError) sendError(req, res, error);
      else next(error);
    }
  });

  app.delete(SESSION_PATH, async (req, res) => {
    const token = sessionCookie(req);
    res.setHeader('set-cookie', cookie('', 0));
    if (token) {
      try {
        await revokeToken(deps.redis, await deps.verify(token));
      } catch (error) {
        // An invalid or expired cookie has nothing to revoke; Redis down: the cookie is gone from
        // this browser anyway, and the token expires on its own.
        deps.logger.info({ err: error, requestId: req.requestId }, 'sign-out without revocation');
      }
    }
    res.status(204).end();
  });
}
