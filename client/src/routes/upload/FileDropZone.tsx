import { useId, useRef, useState, type DragEvent } from 'react';
import { ACCEPTED_FILES } from './upload-file';

/**
 * Where a file comes from: dropped on the zone, or chosen in the browser's file picker. The zone
 * is one button (Tab to it, Enter or Space opens the picker); the file input itself is visually
 * hidden, labelled "File to upload", and outside the button so that nothing interactive nests.
 */
export function FileDropZone({
  onFile,
}: {
  /** The file, and how many more were dropped with it (only one is taken). */
  onFile: (file: File, others: number) => void;
}) {
  const inputId = useId();
  const hintId = useId();
  const inputRef = useRef<HTMLInputElement>(null);
  const [over, setOver] = useState(false);

  const openPicker = () => inputRef.current?.click();
  const take = (files: FileList | null | undefined) => {
    const file = files?.[0];
    if (file) onFile(file, files.length - 1);
  };
  const onDragOver = (event: DragEvent<HTMLDivElement>) => {
    if (!event.dataTransfer.types.includes('Files')) return;
    event.preventDefault(); // accept the drop
    event.dataTransfer.dropEffect = 'copy';
    setOver(true);
  };

  return (
    <div className="dropzone-wrap">
      <div
        className={`dropzone${over ? ' dropzone--over' : ''}`}
        role="button"
        tabIndex={0}
        aria-describedby={hintId}
        data-testid="drop-zone"
        onClick={openPicker}
        onKeyDown={(event) => {
          if (event.key === 'Enter' || event.key === ' ') {
            event.preventDefault();
            openPicker();
          }
        }}
        onDragEnter={onDragOver}
        onDragOver={onDragOver}
        onDragLeave={(event) => {
          if (!event.currentTarget.contains(event.relatedTarget as Node | null)) setOver(false);
        }}
        onDrop={(event) => {
          event.preventDefault();
          setOver(false);
          take(event.dataTransfer.files);
        }}
      >
        <svg className="dropzone__icon" viewBox="0 0 48 48" aria-hidden="true" focusable="false">
          <path d="M24 32V10M15 19l9-9 9 9" />
          <path d="M8 30v6a4 4 0 0 0 4 4h24a4 4 0 0 0 4-4v-6" />
        </svg>
        <span className="dropzone__title">
          Drop a file here, or <span className="dropzone__link">choose a file</span>
        </span>
        <span className="dropzone__hint" id={hintId}>
          CSV, JSON (an array or JSON lines) or Parquet, up to 10 GiB. It goes straight to storage.
        </span>
      </div>
      <label className="visually-hidden" htmlFor={inputId}>
        File to upload
      </label>
      <input
        ref={inputRef}
        id={inputId}
        className="visually-hidden"
        type="file"
        accept={ACCEPTED_FILES}
        tabIndex={-1}
        data-testid="file-input"
        onChange={(event) => {
          take(event.currentTarget.files);
          event.currentTarget.value = ''; // choosing the same file again is a change too
        }}
      />
    </div>
  );
}
