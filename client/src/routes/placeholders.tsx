/**
 * Pages planned for later releases. Each says what it will do; none shows invented data.
 */
import { ComingSoon } from '../components/ComingSoon';

export function ModelsPage() {
  return (
    <ComingSoon
      title="Models"
      summary="Train prediction models on a dataset with AutoML and follow training as it runs."
      capabilities={[
        'Pick a dataset and a target column; classification or regression is detected for you',
        'Live training progress, with a time limit so a run never hangs',
        'Compare models by accuracy, precision, recall or RMSE',
        'A registry of model versions and their metrics',
      ]}
    />
  );
}

export function InsightsPage() {
  return (
    <ComingSoon
      title="Insights"
      summary="Let the platform analyse a dataset and explain what stands out."
      capabilities={[
        'Statistical anomaly detection, each anomaly explained in plain language',
        'The key trends in the data',
        'Actionable recommendations based on the analysis',
      ]}
    />
  );
}

export function DashboardsPage() {
  return (
    <ComingSoon
      title="Dashboards"
      summary="Build dashboards from charts and share them."
      capabilities={[
        'Charts defined once and rendered the same on screen and in exports',
        'Live updates while you and your team look at the same dashboard',
        'Share links and PDF export',
      ]}
    />
  );
}
