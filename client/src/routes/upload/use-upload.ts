/**
 * One file's way into the platform, as a state the upload page renders:
 *
 *   idle -> starting (createUpload) -> sending (bytes to storage) -> checking (completeUpload)
 *        -> queued (the job to follow)
 *
 * and `failed` (with a readable error) or `cancelled` from any step before `checking`. Cancelling,
 * a failed transfer and leaving the page all stop the requests in flight and call `abortUpload`,
 * so storage keeps nothing nobody will complete.
 */
import { useEffect, useRef, useState } from 'react';
import { describeError, type ErrorDescription } from '../../errors';
import { TransferError, sendFile } from './send-file';
import { addSample, bytesPerSecond, type Sample } from './transfer-progress';
import { contentTypeFor, type FileSourceType } from './upload-file';
import {
  useAbortUpload,
  useCompleteUpload,
  useCreateUpload,
  useUploadPartUrls,
  type QueuedJob,
} from './upload-mutations';

export type UploadState =
  | { phase: 'idle' }
  | { phase: 'starting'; file: File }
  | { phase: 'sending'; file: File; sent: number; speed: number | null }
  | { phase: 'checking'; file: File }
  | { phase: 'cancelled'; file: File }
  | { phase: 'failed'; file: File; sent: number; error: ErrorDescription }
  | { phase: 'queued'; file: File; job: QueuedJob };

/** The transfer is under way: cancelling it makes sense, leaving the page loses it. */
export const isBusy = (state: UploadState) =>
  state.phase === 'starting' || state.phase === 'sending' || state.phase === 'checking';

/** How often the progress bar is redrawn while bytes flow (progress events come far more often). */
const REDRAW_MS = 100;

interface Run {
  controller: AbortController;
  uploadId: string | null;
}

function describeTransfer(cause: unknown): ErrorDescription {
  return cause instanceof TransferError
    ? { title: 'The file could not be sent', message: cause.message }
    : describeError(cause);
}

export function useUpload() {
  const [createUpload] = useCreateUpload();
  const [completeUpload] = useCompleteUpload();
  const [abortUpload] = useAbortUpload();
  const [uploadPartUrls] = useUploadPartUrls();
  const [state, setState] = useState<UploadState>({ phase: 'idle' });
  const running = useRef<Run | null>(null);

  /** Best effort: an upload nobody completes is also swept by the platform once its URLs expire. */
  const forget = (uploadId: string) => {
    abortUpload({ variables: { uploadId } }).catch(() => undefined);
  };

  // Leaving the page mid-transfer cancels it: nothing on screen could complete it any more.
  useEffect(
    () => () => {
      const run = running.current;
      running.current = null;
      if (!run) return;
      run.controller.abort();
      if (run.uploadId) forget(run.uploadId);
    },
    // Once, on leaving: `forget` only calls the mutation function, which Apollo keeps stable.
    [],
  );

  const start = async (file: File, sourceType: FileSourceType) => {
    if (running.current) return;
    const run: Run = { controller: new AbortController(), uploadId: null };
    const { signal } = run.controller;
    running.current = run;
    setState({ phase: 'starting', file });

    let upload;
    try {
      const answer = await createUpload({
        variables: {
          fileName: file.name,
          contentType: contentTypeFor(sourceType, file.name),
          sizeBytes: file.size,
          sourceType,
        },
      });
      upload = answer.data?.createUpload;
      if (!upload) throw new Error('createUpload answered without an upload');
    } catch (cause) {
      if (signal.aborted) return; // cancelled meanwhile: the state says so already
      running.current = null;
      setState({ phase: 'failed', file, sent: 0, error: describeError(cause) });
      return;
    }
    run.uploadId = upload.id;
    if (signal.aborted) {
      forget(upload.id);
      return;
    }

    let samples: Sample[] = [];
    let lastDraw = 0;
    let sent = 0;
    setState({ phase: 'sending', file, sent: 0, speed: null });
    let parts;
    try {
      const uploadId = upload.id;
      parts = await sendFile(file, upload, {
        signal,
        moreUrls: async (partNumbers) => {
          const answer = await uploadPartUrls({ variables: { uploadId, partNumbers } });
          const more = answer.data?.uploadPartUrls;
          if (!more) throw new Error('uploadPartUrls answered without URLs');
          return more.parts;
        },
        onProgress: (bytes) => {
          sent = bytes;
          const now = performance.now();
          samples = addSample(samples, { at: now, bytes });
          if (now - lastDraw < REDRAW_MS && bytes < file.size) return;
          lastDraw = now;
          if (!signal.aborted) {
            setState({ phase: 'sending', file, sent: bytes, speed: bytesPerSecond(samples) });
          }
        },
      });
    } catch (cause) {
      if (signal.aborted) return; // cancel() already called abortUpload
      running.current = null;
      forget(upload.id);
      setState({ phase: 'failed', file, sent, error: describeTransfer(cause) });
      return;
    }
    if (signal.aborted) return;

    // From here the platform decides; cancelling is no longer offered.
    setState({ phase: 'checking', file });
    try {
      const answer = await completeUpload({
        variables: { uploadId: upload.id, parts: parts ?? undefined },
      });
      const job = answer.data?.completeUpload;
      if (!job) throw new Error('completeUpload answered without a job');
      if (running.current === run) setState({ phase: 'queued', file, job });
    } catch (cause) {
      // A refused file is already removed by the platform; anything else is cancelled here.
      forget(upload.id);
      if (running.current === run)
        setState({ phase: 'failed', file, sent, error: describeError(cause) });
    } finally {
      if (running.current === run) running.current = null;
    }
  };

  /** Stops the transfer (the requests in flight too) and tells the platform to forget it. */
  const cancel = () => {
    const run = running.current;
    if (!run || state.phase === 'checking') return;
    running.current = null;
    run.controller.abort();
    if (run.uploadId) forget(run.uploadId);
    setState((current) =>
      'file' in current ? { phase: 'cancelled', file: current.file } : current,
    );
  };

  /** Back to choosing a file. */
  const reset = () => {
    if (!running.current) setState({ phase: 'idle' });
  };

  return { state, start, cancel, reset };
}
