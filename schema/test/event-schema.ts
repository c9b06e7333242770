/**
 * A topic's JSON Schema (schema/events) compiled for tests, the way the contract tests compile
 * it: services' tests check the events they produce against the same files.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import Ajv2020 from 'ajv/dist/2020';
import addFormats from 'ajv-formats';

export function eventSchema(topic: string) {
  const ajv = new Ajv2020({ allErrors: true, strict: true });
  addFormats(ajv);
  const file = join(__dirname, '..', 'events', `${topic}.schema.json`);
  return ajv.compile(JSON.parse(readFileSync(file, 'utf8')));
}
