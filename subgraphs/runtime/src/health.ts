/**
 * `/healthz` answers 200 while the process runs; `/readyz` answers 200 only when every dependency
 * check passes within its timeout, else 503 naming the ones that failed (no internal detail).
 */
export type HealthCheck = () => Promise<unknown>;
export type HealthChecks = Record<string, HealthCheck>;

export interface Readiness {
  ready: boolean;
  checks: Record<string, 'ok' | 'failed' | 'timeout'>;
}

export async function checkReadiness(checks: HealthChecks, timeoutMs = 2_000): Promise<Readiness> {
  const entries = await Promise.all(
    Object.entries(checks).map(async ([name, check]) => {
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<'timeout'>((resolve) => {
        timer = setTimeout(() => resolve('timeout'), timeoutMs);
      });
      try {
        const outcome = await Promise.race([check().then(() => 'ok' as const), timeout]);
        return [name, outcome] as const;
      } catch {
        return [name, 'failed' as const] as const;
      } finally {
        clearTimeout(timer);
      }
    }),
  );
  const result = Object.fromEntries(entries) as Readiness['checks'];
  return { ready: entries.every(([, outcome]) => outcome === 'ok'), checks: result };
}
