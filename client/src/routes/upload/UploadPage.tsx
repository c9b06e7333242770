import { gql, type TypedDocumentNode } from '@apollo/client';
import { useQuery } from '@apollo/client/react';
import { useEffect, useState, type ReactNode } from 'react';
import { Link } from 'react-router';
import { ErrorPanel } from '../../components/ErrorPanel';
import { FormError } from '../../components/FormError';
import { describeError } from '../../errors';
import { canUpload, ROLE_LABEL } from '../../roles';
import type { Role } from '../../schema-types';
import { ChosenFileForm } from './ChosenFileForm';
import { FileDropZone } from './FileDropZone';
import { JobPanel } from './JobPanel';
import { TransferPanel } from './TransferPanel';
import { fileProblem, guessSourceType, type FileSourceType } from './upload-file';
import { isBusy, useUpload } from './use-upload';

type UploadPageQuery = { me: { __typename: 'User'; id: string; role: Role } };

/** The upload page's own question: may this user bring data in? Answered from the shell's cache. */
const UPLOAD_PAGE_QUERY: TypedDocumentNode<UploadPageQuery, Record<string, never>> = gql`
  query UploadPage {
    me {
      id
      role
    }
  }
`;

interface Chosen {
  file: File;
  sourceType: FileSourceType | null;
}

/** Choose a file, send it, follow its processing: the whole way in, on one page. */
function Uploader() {
  const { state, start, cancel, reset } = useUpload();
  const [chosen, setChosen] = useState<Chosen | null>(null);
  const [notice, setNotice] = useState<{ problem: string | null; note: string | null }>({
    problem: null,
    note: null,
  });
  const busy = isBusy(state);

  // Closing the tab or reloading would lose the transfer: the browser asks first.
  useEffect(() => {
    if (!busy) return;
    const onBeforeUnload = (event: BeforeUnloadEvent) => event.preventDefault();
    window.addEventListener('beforeunload', onBeforeUnload);
    return () => window.removeEventListener('beforeunload', onBeforeUnload);
  }, [busy]);

  const choose = (file: File, others: number) => {
    reset();
    const problem = fileProblem(file);
    setNotice({
      problem,
      note: others > 0 ? `One file at a time: ${file.name} is the one taken.` : null,
    });
    setChosen(problem ? null : { file, sourceType: guessSourceType(file.name) });
  };
  const chooseAnother = () => {
    reset();
    setChosen(null);
    setNotice({ problem: null, note: null });
  };
  const upload = (sourceType: FileSourceType) => {
    if (!chosen) return;
    setNotice({ problem: null, note: null });
    void start(chosen.file, sourceType);
  };

  let content: ReactNode;
  switch (state.phase) {
    case 'starting':
    case 'sending':
    case 'checking':
      content = <TransferPanel state={state} onCancel={cancel} />;
      break;
    case 'queued':
      content = (
        <>
          <TransferPanel state={state} onCancel={cancel} />
          <JobPanel jobId={state.job.id} onAnother={chooseAnother} />
        </>
      );
      break;
    case 'idle':
    case 'cancelled':
    case 'failed':
      content = chosen ? (
        <>
          {state.phase === 'cancelled' && (
            <p className="notice" role="status" data-testid="upload-cancelled">
              Upload cancelled: nothing of {state.file.name} was kept.
            </p>
          )}
          {state.phase === 'failed' && <FormError error={state.error} testId="upload-error" />}
          <ChosenFileForm
            file={chosen.file}
            sourceType={chosen.sourceType}
            onSourceType={(sourceType) => setChosen({ ...chosen, sourceType })}
            onUpload={upload}
            onChooseAnother={chooseAnother}
            uploadLabel={state.phase === 'idle' ? 'Upload' : 'Try again'}
          />
        </>
      ) : (
        <FileDropZone onFile={choose} />
      );
      break;
  }

  return (
    <div className="upload" data-testid="uploader" data-phase={state.phase}>
      {notice.problem && (
        <FormError
          error={{ title: 'This file cannot be uploaded', message: notice.problem }}
          testId="file-problem"
        />
      )}
      {notice.note && (
        <p className="notice" role="status">
          {notice.note}
        </p>
      )}
      {content}
    </div>
  );
}

/**
 * `/datasets/upload`: bring a CSV, JSON or Parquet file into the platform. The platform allows
 * uploads to analysts and admins (FORBIDDEN otherwise); checking the role first means a viewer
 * reads why instead of watching the upload fail.
 */
export function UploadPage() {
  const { data, error } = useQuery(UPLOAD_PAGE_QUERY);

  let body: ReactNode;
  if (data && canUpload(data.me.role)) {
    body = <Uploader />;
  } else if (data) {
    body = (
      <section className="panel panel--centered" data-testid="upload-role-required">
        <p className="eyebrow">Analysts and admins</p>
        <h2>Uploading needs the analyst role</h2>
        <p className="panel__message">
          Your role is {ROLE_LABEL[data.me.role].toLowerCase()}: you can read the data sets others
          brought in. An admin can change your role if you need to bring in your own.
        </p>
      </section>
    );
  } else if (error) {
    body = <ErrorPanel error={describeError(error)} testId="upload-page-error" />;
  } else {
    body = (
      <p className="muted" role="status">
        Loading…
      </p>
    );
  }

  return (
    <>
      <title>Upload data · Analytics Platform</title>
      <header className="page-header">
        <p className="breadcrumb">
          <Link to="/datasets">Datasets</Link>
        </p>
        <h1>Upload data</h1>
        <p className="page-header__lead">
          A CSV, JSON or Parquet file goes straight to storage; the platform then checks it and
          turns it into a typed data set you can query.
        </p>
      </header>
      {body}
    </>
  );
}
