/**
 * The one list of subgraphs: name, default port and the environment variables that override their
 * port and URL. The gateway, the composition script and `npm start` all read it.
 */
export const SUBGRAPHS = [
  { name: 'identity', port: 4001 },
  { name: 'ingestion', port: 4002 },
  { name: 'quality', port: 4003 },
  { name: 'query', port: 4004 },
  { name: 'ml', port: 4005 },
  { name: 'insights', port: 4006 },
  { name: 'dashboards', port: 4007 },
] as const;

export type SubgraphName = (typeof SUBGRAPHS)[number]['name'];

/** `identity` -> `IDENTITY_PORT` / `IDENTITY_URL`. */
export const portVariable = (name: SubgraphName) => `${name.toUpperCase()}_PORT`;
export const urlVariable = (name: SubgraphName) => `${name.toUpperCase()}_URL`;

/** Where a subgraph listens locally; the composed supergraph records this URL. */
export const defaultSubgraphUrl = (name: SubgraphName) =>
  `http://127.0.0.1:${SUBGRAPHS.find((s) => s.name === name)!.port}/graphql`;
