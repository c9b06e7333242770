import { useMemo } from 'react';
import { VegaChart } from '../datasets/profile/VegaChart';
import { chartSpec } from './answer-data';
import type { Answer } from './ask-operations';

/** The chart the engine suggested for the answer, drawn from the answer's own rows. */
export function AnswerChart({ answer }: { answer: Answer }) {
  const question = answer.understoodAs ?? answer.question;
  const spec = useMemo(
    () =>
      chartSpec(answer.chart, answer.columns, answer.rows, `Chart of the answer to: ${question}`),
    [answer.chart, answer.columns, answer.rows, question],
  );
  if (!spec) return null;
  return (
    <figure className="chart-card answer-chart" data-testid="answer-chart">
      <figcaption>Suggested chart</figcaption>
      <VegaChart spec={spec} label={String(spec.description)} />
    </figure>
  );
}
