/** The warehouse choice and the Snowflake settings, from the environment to the adapter's options. */
import { generateKeyPairSync } from 'node:crypto';
import { z } from 'zod';
import { ConfigError, parseConfig } from '@platform/runtime';
import { snowflakeEnv, snowflakeSettings } from './config-snowflake';

const parse = (env: Record<string, string | undefined>) =>
  parseConfig('query', z.object(snowflakeEnv), env);

const settingsOf = (env: Record<string, string | undefined>) => snowflakeSettings(parse(env));

const problemsOf = (env: Record<string, string | undefined>) => {
  try {
    settingsOf(env);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as ConfigError).problems;
  }
  throw new Error('expected a ConfigError');
};

const complete = {
  WAREHOUSE: 'snowflake',
  SNOWFLAKE_ACCOUNT: 'myorg-myaccount',
  SNOWFLAKE_USER: 'ANALYTICS_SERVICE',
  SNOWFLAKE_PASSWORD: 'not-a-real-password',
  SNOWFLAKE_WAREHOUSE: 'ANALYTICS_WH',
  SNOWFLAKE_DATABASE: 'ANALYTICS',
  SNOWFLAKE_SCHEMA: 'PUBLIC',
  SNOWFLAKE_STAGE: 'ANALYTICS.PUBLIC.DATA_BUCKET',
};

const pem = (passphrase?: string) =>
  generateKeyPairSync('rsa', {
    modulusLength: 2048,
    privateKeyEncoding: {
      type: 'pkcs8',
      format: 'pem',
      ...(passphrase ? { cipher: 'aes-256-cbc', passphrase } : {}),
    },
    publicKeyEncoding: { type: 'spki', format: 'pem' },
  }).privateKey;

it('defaults to DuckDB, with no Snowflake setting needed', () => {
  expect(parse({}).WAREHOUSE).toBe('duckdb');
  expect(settingsOf({})).toBeNull();
  expect(settingsOf({ WAREHOUSE: 'duckdb', SNOWFLAKE_ROLE: '' })).toBeNull();
});

it('refuses an unknown warehouse', () => {
  expect(() => parse({ WAREHOUSE: 'bigquery' })).toThrow(/WAREHOUSE/);
});

it('lists every missing setting at once', () => {
  expect(problemsOf({ WAREHOUSE: 'snowflake' })).toEqual([
    'SNOWFLAKE_ACCOUNT: required when WAREHOUSE=snowflake',
    'SNOWFLAKE_USER: required when WAREHOUSE=snowflake',
    'SNOWFLAKE_WAREHOUSE: required when WAREHOUSE=snowflake',
    'SNOWFLAKE_DATABASE: required when WAREHOUSE=snowflake',
    'SNOWFLAKE_SCHEMA: required when WAREHOUSE=snowflake',
    'SNOWFLAKE_STAGE: required when WAREHOUSE=snowflake',
    'SNOWFLAKE_PASSWORD or SNOWFLAKE_PRIVATE_KEY: required when WAREHOUSE=snowflake',
  ]);
  const { SNOWFLAKE_STAGE: _stage, SNOWFLAKE_PASSWORD: _password, ...partial } = complete;
  expect(problemsOf({ ...partial, SNOWFLAKE_STAGE: '' })).toEqual([
    'SNOWFLAKE_STAGE: required when WAREHOUSE=snowflake',
    'SNOWFLAKE_PASSWORD or SNOWFLAKE_PRIVATE_KEY: required when WAREHOUSE=snowflake',
  ]);
});

it('gives the adapter password authentication and the defaults', () => {
  expect(settingsOf(complete)).toEqual({
    account: 'myorg-myaccount',
    username: 'ANALYTICS_SERVICE',
    auth: { kind: 'password', password: 'not-a-real-password' },
    warehouse: 'ANALYTICS_WH',
    database: 'ANALYTICS',
    schema: 'PUBLIC',
    stage: 'ANALYTICS.PUBLIC.DATA_BUCKET',
    statementTimeoutSeconds: 60,
    loadTimeoutSeconds: 1800,
    poolSize: 4,
  });
});

it('passes the optional role, access URL and limits', () => {
  expect(
    settingsOf({
      ...complete,
      SNOWFLAKE_ROLE: 'ANALYTICS_READER',
      SNOWFLAKE_ACCESS_URL: 'https://myorg-myaccount.privatelink.snowflakecomputing.com',
      SNOWFLAKE_STATEMENT_TIMEOUT_SECONDS: '20',
      SNOWFLAKE_LOAD_TIMEOUT_SECONDS: '600',
      SNOWFLAKE_POOL_SIZE: '8',
    }),
  ).toMatchObject({
    role: 'ANALYTICS_READER',
    accessUrl: 'https://myorg-myaccount.privatelink.snowflakecomputing.com',
    statementTimeoutSeconds: 20,
    loadTimeoutSeconds: 600,
    poolSize: 8,
  });
});

it('gives the adapter key-pair authentication, from a key on one line', () => {
  const key = pem();
  const { SNOWFLAKE_PASSWORD: _password, ...withoutPassword } = complete;
  const settings = settingsOf({
    ...withoutPassword,
    SNOWFLAKE_PRIVATE_KEY: key.trim().replace(/\n/g, '\\n'),
  });
  expect(settings?.auth).toEqual({ kind: 'keyPair', privateKey: key.trim() });

  const encrypted = pem('a passphrase');
  expect(
    settingsOf({
      ...withoutPassword,
      SNOWFLAKE_PRIVATE_KEY: encrypted,
      SNOWFLAKE_PRIVATE_KEY_PASSPHRASE: 'a passphrase',
    })?.auth,
  ).toEqual({ kind: 'keyPair', privateKey: encrypted, passphrase: 'a passphrase' });
});

it('refuses conflicting or unusable credentials, without echoing them', () => {
  const key = pem('right');
  const { SNOWFLAKE_PASSWORD: _password, ...withoutPassword } = complete;
  expect(problemsOf({ ...complete, SNOWFLAKE_PRIVATE_KEY: pem() })).toEqual([
    expect.stringMatching(/^SNOWFLAKE_PASSWORD, SNOWFLAKE_PRIVATE_KEY: set one of them/),
  ]);
  const wrong = problemsOf({
    ...withoutPassword,
    SNOWFLAKE_PRIVATE_KEY: key,
    SNOWFLAKE_PRIVATE_KEY_PASSPHRASE: 'wrong',
  });
  expect(wrong).toEqual([
    'SNOWFLAKE_PRIVATE_KEY: not a PEM private key, or SNOWFLAKE_PRIVATE_KEY_PASSPHRASE does not open it',
  ]);
  expect(wrong.join(' ')).not.toMatch(/BEGIN|wrong/);
  expect(problemsOf({ ...withoutPassword, SNOWFLAKE_PRIVATE_KEY: 'not a key' })).toEqual([
    expect.stringMatching(/^SNOWFLAKE_PRIVATE_KEY: not a PEM private key/),
  ]);
  expect(problemsOf({ ...complete, SNOWFLAKE_PRIVATE_KEY_PASSPHRASE: 'x' })).toEqual([
    'SNOWFLAKE_PRIVATE_KEY_PASSPHRASE: set without SNOWFLAKE_PRIVATE_KEY',
  ]);
});

it('refuses names that are not plain identifiers, and bad numbers', () => {
  let error: unknown;
  try {
    parse({
      ...complete,
      SNOWFLAKE_DATABASE: 'analytics"; DROP',
      SNOWFLAKE_STAGE: '@stage',
      SNOWFLAKE_ACCESS_URL: 'ftp://x',
      SNOWFLAKE_POOL_SIZE: '0',
    });
  } catch (e) {
    error = e;
  }
  expect(error).toBeInstanceOf(ConfigError);
  expect((error as ConfigError).problems.map((p) => p.split(':')[0])).toEqual([
    'SNOWFLAKE_DATABASE',
    'SNOWFLAKE_STAGE',
    'SNOWFLAKE_ACCESS_URL',
    'SNOWFLAKE_POOL_SIZE',
  ]);
});
