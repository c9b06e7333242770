import type { PickerDataset } from './ask-operations';

/** The data set questions are about: the caller's ready ones, by name. */
export function DatasetPicker({
  datasets,
  value,
  onChange,
  disabled = false,
}: {
  datasets: readonly PickerDataset[];
  /** The chosen data set's id; '' when none is. */
  value: string;
  onChange: (datasetId: string) => void;
  disabled?: boolean;
}) {
  const listed = datasets.some((dataset) => dataset.id === value);
  return (
    <div className="field ask-picker">
      <label htmlFor="ask-dataset" className="field__label">
        Data set
      </label>
      <select
        id="ask-dataset"
        className="input"
        value={listed ? value : ''}
        onChange={(event) => onChange(event.target.value)}
        disabled={disabled}
        data-testid="ask-dataset"
      >
        {!listed && (
          <option value="" disabled>
            Choose a data set…
          </option>
        )}
        {datasets.map((dataset) => (
          <option key={dataset.id} value={dataset.id}>
            {dataset.name}
          </option>
        ))}
      </select>
    </div>
  );
}
