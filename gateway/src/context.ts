/** What every operation carries through the gateway. */
export interface GatewayContext {
  requestId: string;
  /** The caller's `authorization` header, forwarded to subgraphs as is. */
  authorization?: string | undefined;
}
