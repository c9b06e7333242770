import type { ErrorLike } from '@apollo/client';
import { describeError } from '../errors';

/**
 * Under a live page whose subscription broke (the connection was lost for good, or the platform
 * refused it): what is shown stays, but it no longer follows changes until the page is reloaded.
 */
export function LiveNotice({ error }: { error: ErrorLike | undefined }) {
  if (!error) return null;
  const { message } = describeError(error);
  return (
    <p className="notice notice--warn" role="status" data-testid="live-paused">
      Live updates stopped ({message}). What you see is as it was; reload the page to catch up.
    </p>
  );
}
