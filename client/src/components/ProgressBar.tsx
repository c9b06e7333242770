/**
 * A determinate progress bar: `role="progressbar"` with its value for assistive technology, and
 * a text version (`valueText`, e.g. "4.5 MB of 10 MB") read out instead of a bare percentage.
 */
export function ProgressBar({
  label,
  percent,
  valueText,
  tone = 'accent',
  testId,
}: {
  /** The bar's accessible name, e.g. "Upload progress". */
  label: string;
  /** 0 to 100. */
  percent: number;
  valueText?: string;
  tone?: 'accent' | 'ok' | 'danger';
  testId?: string;
}) {
  const value = Math.max(0, Math.min(100, Math.round(percent)));
  return (
    <div
      className={`progress progress--${tone}`}
      role="progressbar"
      aria-label={label}
      aria-valuemin={0}
      aria-valuemax={100}
      aria-valuenow={value}
      aria-valuetext={valueText ? `${value} %, ${valueText}` : `${value} %`}
      data-testid={testId}
    >
      <div className="progress__bar" style={{ width: `${value}%` }} />
    </div>
  );
}
