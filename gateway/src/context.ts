/** What every operation carries through the gateway. */
import type { Authenticated } from './auth/authenticate';

export interface GatewayContext {
  requestId: string;
  /** The verified caller; undefined for an anonymous request (allowed only for public fields). */
  auth?: Authenticated | undefined;
  /** The client's address, for per-address sign-in limits. */
  clientAddress: string;
  /** Set for the gateway's own look-ups (subscription payload entities): not counted again. */
  internal?: boolean;
}
