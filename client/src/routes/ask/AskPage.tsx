import { useQuery } from '@apollo/client/react';
import { useEffect, useMemo, type ReactNode } from 'react';
import { Link, useSearchParams } from 'react-router';
import { ErrorPanel } from '../../components/ErrorPanel';
import { describeError } from '../../errors';
import { canRunSql, canUpload } from '../../roles';
import { UPLOAD_PATH } from '../datasets/DatasetsPage';
import {
  ASK_PAGE_DATASET_QUERY,
  ASK_PAGE_DATASETS_QUERY,
  ASK_PAGE_QUERY,
  PICKER_SIZE,
  type PickerDataset,
} from './ask-operations';
import { DATASET_PARAM } from './ask-path';
import { AskWorkspace } from './AskWorkspace';
import { DatasetPicker } from './DatasetPicker';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function NoReadyDataset({ mayUpload }: { mayUpload: boolean }) {
  return (
    <section className="panel panel--centered" data-testid="ask-no-datasets">
      <h2>No data set is ready to ask about</h2>
      <p className="panel__message">
        Questions are answered from a data set once it has been processed. Yours are on the Datasets
        page with their status.
      </p>
      <div className="panel__actions">
        <Link to="/datasets" className="button button--ghost">
          Go to Datasets
        </Link>
        {mayUpload && (
          <Link to={UPLOAD_PATH} className="button">
            Upload data
          </Link>
        )}
      </div>
    </section>
  );
}

/** The chosen data set cannot be asked about: gone, not the caller's, or not processed yet. */
function NotAskable({ dataset }: { dataset: PickerDataset | null }) {
  if (!dataset) {
    return (
      <section className="panel" data-testid="ask-dataset-missing">
        <h2>There is no such data set</h2>
        <p className="panel__message">
          It may have been deleted, or it belongs to someone else. Choose one of yours above.
        </p>
      </section>
    );
  }
  const why =
    dataset.status === 'FAILED'
      ? 'Its processing failed, so there is nothing to ask about.'
      : 'It is still being processed: you can ask about it as soon as it is ready.';
  return (
    <section className="panel" data-testid="ask-dataset-not-ready">
      <h2>{dataset.name} is not ready</h2>
      <p className="panel__message">{why}</p>
      <div className="panel__actions">
        <Link to={`/datasets/${dataset.id}`} className="button button--ghost">
          Open the data set
        </Link>
      </div>
    </section>
  );
}

/**
 * Ask: a question about one of your data sets in plain language; the answer shows the SQL (which
 * analysts may edit and run), the rows, a chart and an explanation, and a history to come back to.
 */
export function AskPage() {
  const [params, setParams] = useSearchParams();
  const chosen = params.get(DATASET_PARAM) ?? '';
  const valid = UUID.test(chosen);
  const page = useQuery(ASK_PAGE_QUERY);
  const me = page.data?.me;
  const list = useQuery(ASK_PAGE_DATASETS_QUERY, {
    variables: { ownerId: me?.id ?? '', first: PICKER_SIZE },
    skip: !me,
    fetchPolicy: 'cache-and-network',
    nextFetchPolicy: 'cache-first',
  });
  const own = useMemo(
    () =>
      (list.data?.datasets.edges ?? [])
        .map((edge) => edge.node)
        .filter((dataset) => dataset.status === 'READY'),
    [list.data],
  );
  const listed = own.some((dataset) => dataset.id === chosen);
  // Only a data set the list does not have is looked up.
  const lookup = useQuery(ASK_PAGE_DATASET_QUERY, {
    variables: { id: chosen },
    skip: !list.data || !valid || listed,
  });
  const other = lookup.data?.dataset;
  const ready = other?.status === 'READY' && !listed ? [other, ...own] : own;

  const choose = (datasetId: string) =>
    setParams(datasetId ? { [DATASET_PARAM]: datasetId } : {}, { replace: true });

  // Without a choice, the newest ready data set is the one asked about.
  const first = own[0]?.id;
  useEffect(() => {
    if (!chosen && first) setParams({ [DATASET_PARAM]: first }, { replace: true });
  }, [chosen, first, setParams]);

  const error = page.error ?? (list.data ? undefined : list.error);
  let body: ReactNode;
  if (me && list.data) {
    const selected = ready.find((dataset) => dataset.id === chosen);
    let workspace: ReactNode = null;
    if (selected) {
      workspace = (
        <AskWorkspace key={selected.id} datasetId={selected.id} canRunSql={canRunSql(me.role)} />
      );
    } else if (chosen && !valid) {
      workspace = <NotAskable dataset={null} />;
    } else if (chosen && lookup.data) {
      workspace = <NotAskable dataset={lookup.data.dataset} />;
    } else if (chosen && lookup.error) {
      workspace = <ErrorPanel error={describeError(lookup.error)} testId="ask-dataset-error" />;
    } else if (chosen) {
      workspace = (
        <p className="muted" role="status">
          Looking up the data set…
        </p>
      );
    }
    body =
      ready.length === 0 && !chosen ? (
        <NoReadyDataset mayUpload={canUpload(me.role)} />
      ) : (
        <>
          <DatasetPicker datasets={ready} value={chosen} onChange={choose} />
          {workspace}
        </>
      );
  } else if (error) {
    body = (
      <ErrorPanel error={describeError(error)} testId="ask-page-error">
        <button
          type="button"
          className="button"
          onClick={() => {
            void page.refetch().catch(() => undefined);
            if (me) void list.refetch().catch(() => undefined);
          }}
        >
          Try again
        </button>
      </ErrorPanel>
    );
  } else {
    body = (
      <p className="muted" role="status">
        Loading your data sets…
      </p>
    );
  }

  return (
    <>
      <title>Ask · Analytics Platform</title>
      <header className="page-header">
        <h1>Ask</h1>
        <p className="page-header__lead">
          Ask a question about your data in plain language, and check the answer: the SQL that ran,
          the rows, a chart and an explanation.
        </p>
      </header>
      <div className="ask-page">{body}</div>
    </>
  );
}
