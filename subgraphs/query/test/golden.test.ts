/** Execution accuracy of the built-in engine on the golden set: at least 90%. */
import { createBuiltinEngine } from '../src/engines/builtin/builtin-engine';
import { goldenFiles, scoreGolden } from './golden-set';

it('has at least 60 questions over at least 4 real data sets', () => {
  const files = goldenFiles();
  expect(files.length).toBeGreaterThanOrEqual(4);
  expect(files.flatMap((f) => f.questions).length).toBeGreaterThanOrEqual(60);
});

it('answers at least 90% of the golden questions correctly', async () => {
  const outcomes = await scoreGolden(createBuiltinEngine());
  const correct = outcomes.filter((o) => o.ok).length;
  const failures = outcomes.filter((o) => !o.ok);
  const report = failures
    .map(
      (f) =>
        `[${f.file}] ${f.question}\n    ${f.sql?.replace(/\n/g, ' ') ?? '-'}\n    ${f.problem}`,
    )
    .join('\n');
  if (process.env.GOLDEN_REPORT) process.stdout.write(`${correct}/${outcomes.length}\n${report}\n`);
  expect({ accuracy: correct / outcomes.length, failures: report }).toEqual({
    accuracy: expect.any(Number),
    failures: expect.any(String),
  });
  expect(correct / outcomes.length).toBeGreaterThanOrEqual(0.9);
}, 120_000);
