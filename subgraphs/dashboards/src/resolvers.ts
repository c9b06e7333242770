/** Thin resolvers: check input, call one function or loader. */
import { DateTimeScalar, isUuid, requireUuid, type Policy } from '@platform/runtime';
import type { Context } from './context';
import { listDashboards, type DashboardsArgs } from './dashboards';
import type { DashboardRow, VisualizationRow } from './store';

export const resolvers = {
  DateTime: DateTimeScalar,
  Query: {
    dashboard: (_: unknown, args: { id: string }, ctx: Context) =>
      ctx.dashboards.load(requireUuid('id', args.id)),
    dashboards: (_: unknown, args: DashboardsArgs, ctx: Context) => listDashboards(ctx.store, args),
  },
  Dashboard: {
    __resolveReference: (ref: { id: string }, ctx: Context) =>
      isUuid(ref.id) ? ctx.dashboards.load(ref.id) : null,
    createdAt: (d: DashboardRow) => d.created_at,
    updatedAt: (d: DashboardRow) => d.updated_at,
    owner: (d: DashboardRow) => ({ __typename: 'User', id: d.owner_id }),
    visualizations: (d: DashboardRow, _: unknown, ctx: Context) => ctx.visualizationsOf.load(d.id),
  },
  Visualization: {
    chartType: (v: VisualizationRow) => v.chart_type,
    dataset: (v: VisualizationRow) => ({ __typename: 'Dataset', id: v.dataset_id }),
  },
};

/** Who may call what (every root field needs a rule; reads: any signed-in user). */
export const policy = {
  Query: { dashboard: 'viewer', dashboards: 'viewer' },
} satisfies Policy;
