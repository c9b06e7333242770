import { useEffect, useRef, useState } from 'react';
import type { ChartSpec } from './profile-charts';

/**
 * Renders a Vega-Lite spec as SVG. vega-embed (and Vega with it) is loaded on first use, so pages
 * without charts never download it.
 */
export function VegaChart({ spec, label }: { spec: ChartSpec; label: string }) {
  const container = useRef<HTMLDivElement>(null);
  const [failed, setFailed] = useState(false);
  useEffect(() => {
    let finalize: (() => void) | undefined;
    let cancelled = false;
    void import('vega-embed')
      .then(({ default: embed }) =>
        container.current
          ? embed(container.current, spec as never, { actions: false, renderer: 'svg' })
          : undefined,
      )
      .then((result) => {
        if (cancelled) result?.finalize();
        else finalize = result?.finalize;
      })
      .catch(() => setFailed(true));
    return () => {
      cancelled = true;
      finalize?.();
    };
  }, [spec]);
  if (failed) return <p className="muted">The chart could not be drawn.</p>;
  return (
    <div ref={container} className="chart" role="img" aria-label={label} data-testid="chart" />
  );
}
