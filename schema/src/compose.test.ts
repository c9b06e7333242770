import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { compose, loadSubgraphSdls, SCHEMA_DIR, SUPERGRAPH_PATH } from './compose';

describe('supergraph composition', () => {
  it('composes the real subgraphs into exactly the checked-in supergraph', () => {
    const result = compose(loadSubgraphSdls());
    if (!result.ok) throw new Error(`composition failed:\n${result.errors.join('\n')}`);
    expect(result.supergraphSdl).toEqual(readFileSync(SUPERGRAPH_PATH, 'utf8'));
  });

  it('fails with the composition errors on a deliberately broken SDL fixture', () => {
    const dir = join(SCHEMA_DIR, 'fixtures', 'broken');
    const result = compose(
      ['ingestion', 'quality'].map((name) => ({
        name,
        url: `http://127.0.0.1/${name}`,
        sdl: readFileSync(join(dir, `${name}.graphql`), 'utf8'),
      })),
    );
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.errors.join('\n')).toMatch(/Dataset\.name/);
  });

  it('reports a syntax error in a subgraph SDL with the subgraph name', () => {
    const [first, ...rest] = loadSubgraphSdls();
    const result = compose([{ ...first!, sdl: 'type Query { broken( }' }, ...rest]);
    expect(result).toMatchObject({ ok: false });
    if (result.ok) return;
    expect(result.errors[0]).toMatch(/^\[identity\] Syntax Error/);
  });

  it('exposes the cross-subgraph entities: Dataset.owner is a User owned by identity', () => {
    const result = compose(loadSubgraphSdls());
    if (!result.ok) throw new Error(result.errors.join('\n'));
    expect(result.supergraphSdl).toMatch(
      /type User\b[^{]*@join__type\(graph: IDENTITY, key: "id"\)/,
    );
    expect(result.supergraphSdl).toMatch(/owner: User!/);
  });
});
