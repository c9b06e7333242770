import { useId, type FormEvent } from 'react';
import { formatBytes } from '../../format';
import {
  extensionOf,
  FILE_SOURCE_LABEL,
  FILE_SOURCE_TYPES,
  guessSourceType,
  type FileSourceType,
} from './upload-file';

function typeHint(fileName: string): string {
  const extension = extensionOf(fileName);
  if (guessSourceType(fileName)) return `Guessed from the extension “.${extension}”.`;
  return extension
    ? `The extension “.${extension}” does not say which type this is: choose it.`
    : 'The name has no extension: choose the type.';
}

/**
 * The file about to be uploaded: its name and size, its type (guessed from the extension, for the
 * user to confirm or change) and the button that starts the upload.
 */
export function ChosenFileForm({
  file,
  sourceType,
  onSourceType,
  onUpload,
  onChooseAnother,
  uploadLabel = 'Upload',
}: {
  file: File;
  sourceType: FileSourceType | null;
  onSourceType: (sourceType: FileSourceType) => void;
  onUpload: (sourceType: FileSourceType) => void;
  onChooseAnother: () => void;
  uploadLabel?: string;
}) {
  const titleId = useId();
  const typeId = useId();

  const onSubmit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    if (sourceType) onUpload(sourceType);
  };

  return (
    <form
      className="upload-step form"
      aria-labelledby={titleId}
      onSubmit={onSubmit}
      data-testid="chosen-file"
    >
      <h2 id={titleId} className="upload-step__title">
        <span className="upload-step__file" data-testid="chosen-file-name">
          {file.name}
        </span>{' '}
        <span className="muted upload-step__size">{formatBytes(file.size)}</span>
      </h2>
      <div className="field upload-step__type">
        <label className="field__label" htmlFor={typeId}>
          File type
        </label>
        <select
          id={typeId}
          className="input"
          value={sourceType ?? ''}
          required
          aria-describedby={`${typeId}-hint`}
          onChange={(event) => onSourceType(event.target.value as FileSourceType)}
        >
          {!sourceType && (
            <option value="" disabled>
              Choose the type…
            </option>
          )}
          {FILE_SOURCE_TYPES.map((type) => (
            <option key={type} value={type}>
              {FILE_SOURCE_LABEL[type]}
            </option>
          ))}
        </select>
        <span className="field__hint" id={`${typeId}-hint`}>
          {typeHint(file.name)} The platform checks the content too.
        </span>
      </div>
      <div className="button-row">
        <button type="submit" className="button" disabled={!sourceType}>
          {uploadLabel}
        </button>
        <button type="button" className="button button--ghost" onClick={onChooseAnother}>
          Choose another file
        </button>
      </div>
    </form>
  );
}
