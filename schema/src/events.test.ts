/** Every Kafka event example validates against its topic's JSON Schema (the Rust side checks the same files). */
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import Ajv2020 from 'ajv/dist/2020';
import addFormats from 'ajv-formats';

const dir = join(__dirname, '..', 'events');
const topics = readdirSync(dir)
  .filter((f) => f.endsWith('.schema.json'))
  .map((f) => f.replace('.schema.json', ''));

function validator(topic: string) {
  const ajv = new Ajv2020({ allErrors: true, strict: true });
  addFormats(ajv);
  return ajv.compile(JSON.parse(readFileSync(join(dir, `${topic}.schema.json`), 'utf8')));
}

describe('Kafka event contracts', () => {
  it('has a schema and an example for each topic with a contract', () => {
    expect(topics.sort()).toEqual(
      [
        'data.ingestion',
        'data.processing.complete',
        'data.processing.failed',
        'data.processing.progress',
        'dataset.events',
      ].sort(),
    );
  });

  it.each(topics)('%s: the example validates', (topic) => {
    const validate = validator(topic);
    const example = JSON.parse(readFileSync(join(dir, 'examples', `${topic}.json`), 'utf8'));
    expect(validate.errors ?? validate(example)).toBe(true);
  });

  it.each(topics)('%s: an unknown field, a missing field and a bad id are refused', (topic) => {
    const validate = validator(topic);
    const example = JSON.parse(readFileSync(join(dir, 'examples', `${topic}.json`), 'utf8'));
    expect(validate({ ...example, surprise: 1 })).toBe(false);
    const { eventId: _eventId, ...withoutId } = example;
    expect(validate(withoutId)).toBe(false);
    expect(validate({ ...example, datasetId: 'not-a-uuid' })).toBe(false);
  });
});
