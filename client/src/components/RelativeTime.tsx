import { formatDateTime, formatRelativeTime } from '../format';

/**
 * When something happened: "3 minutes ago", with the full date and time on hover and for machines.
 * Only for past events (created, used, revoked): `now` is refreshed once a minute and the server's
 * clock may run a little ahead of the browser's, so a moment "in 20 seconds" is shown as now.
 */
export function RelativeTime({ iso, now }: { iso: string; now: Date }) {
  const at = Date.parse(iso);
  const reference = Number.isNaN(at) ? now : new Date(Math.max(now.getTime(), at));
  return (
    <time dateTime={iso} title={formatDateTime(iso)}>
      {formatRelativeTime(iso, reference)}
    </time>
  );
}
