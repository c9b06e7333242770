/** A model's `metrics` JSON (metric name -> number) and its GraphQL shape (a list sorted by name). */
import { z } from 'zod';

export const MetricsJson = z.record(z.string(), z.number());
export type MetricsJson = z.infer<typeof MetricsJson>;

export interface ModelMetric {
  name: string;
  value: number;
}

/** Sorted by name so the order is stable whatever order the JSON object had. */
export function metricList(metrics: MetricsJson): ModelMetric[] {
  return Object.entries(metrics)
    .map(([name, value]) => ({ name, value }))
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}
