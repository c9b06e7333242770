import { useId } from 'react';
import { ProgressBar } from '../../components/ProgressBar';
import { formatBytes } from '../../format';
import { formatDuration, percentOf, secondsLeft } from './transfer-progress';
import type { UploadState } from './use-upload';

type TransferState = Extract<
  UploadState,
  { phase: 'starting' | 'sending' | 'checking' | 'queued' }
>;

/**
 * The file's way to storage: a progress bar from the bytes sent, how many of how many, the speed
 * over the last seconds and the time left, and Cancel while cancelling still makes sense. Once the
 * bytes are there it stays on screen, full, above the processing that follows.
 */
export function TransferPanel({ state, onCancel }: { state: TransferState; onCancel: () => void }) {
  const titleId = useId();
  const { file } = state;
  const total = file.size;
  const sent = state.phase === 'sending' ? state.sent : state.phase === 'starting' ? 0 : total;
  const percent = percentOf(sent, total);
  const speed = state.phase === 'sending' ? state.speed : null;
  const left = state.phase === 'sending' ? secondsLeft(total - sent, speed) : null;
  const amount = `${formatBytes(sent)} of ${formatBytes(total)}`;

  let status: string;
  switch (state.phase) {
    case 'starting':
      status = 'Preparing the upload…';
      break;
    case 'sending':
      status = percent === 100 ? 'Sent.' : `Sending: ${amount}`;
      break;
    case 'checking':
      status = 'Sent. The platform is checking the file…';
      break;
    case 'queued':
      status = `Sent ${formatBytes(total)}; the platform accepted the file.`;
      break;
  }

  // Announced on each change of step only; the byte counts would be noise to a screen reader, which
  // reads the bar's value when asked.
  const announcement = {
    starting: 'Preparing the upload.',
    sending: 'Sending the file.',
    checking: 'The file is sent; the platform is checking it.',
    queued: 'The file is uploaded.',
  }[state.phase];

  return (
    <section className="upload-step" aria-labelledby={titleId} data-testid="transfer">
      <h2 id={titleId} className="upload-step__title">
        {state.phase === 'queued' ? 'Uploaded' : 'Uploading'}{' '}
        <span className="upload-step__file">{file.name}</span>
      </h2>
      <ProgressBar
        label="Upload progress"
        percent={percent}
        valueText={amount}
        tone={state.phase === 'queued' ? 'ok' : 'accent'}
        testId="upload-progress"
      />
      <div className="upload-step__row">
        <p className="upload-step__stats" data-testid="upload-status">
          <span>{status}</span>
          {state.phase === 'sending' && percent < 100 && (
            <>
              <span data-testid="upload-percent">{percent} %</span>
              {speed !== null && <span>{formatBytes(speed)}/s</span>}
              {left !== null && <span>about {formatDuration(left)} left</span>}
            </>
          )}
        </p>
        {(state.phase === 'starting' || state.phase === 'sending') && (
          <button type="button" className="button button--ghost" onClick={onCancel}>
            Cancel upload
          </button>
        )}
      </div>
      <p className="visually-hidden" role="status">
        {announcement}
      </p>
    </section>
  );
}
