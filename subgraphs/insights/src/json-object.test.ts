import { parse, type ObjectValueNode, type OperationDefinitionNode, type FieldNode } from 'graphql';
import { JSONObjectScalar, isJsonObject } from './json-object';

function literal(source: string) {
  const operation = parse(`{ f(a: ${source}) }`).definitions[0] as OperationDefinitionNode;
  const field = operation.selectionSet.selections[0] as FieldNode;
  return field.arguments![0]!.value;
}

describe('JSONObject scalar', () => {
  it('serializes objects as they are and refuses anything else', () => {
    const details = { column: 'temp_max', values: [1, 2], nested: { z: 4.2 } };
    expect(JSONObjectScalar.serialize(details)).toBe(details);
    for (const bad of [null, [1], 'text', 3, true]) {
      expect(() => JSONObjectScalar.serialize(bad)).toThrow(TypeError);
    }
  });

  it('accepts object variables and refuses other values as bad input', () => {
    expect(JSONObjectScalar.parseValue({ a: 1 })).toEqual({ a: 1 });
    expect(() => JSONObjectScalar.parseValue([1])).toThrow(/must be a JSON object/);
  });

  it('reads object literals, variables included', () => {
    const ast = literal('{ a: 1, b: ["x", true], c: { d: $v } }') as ObjectValueNode;
    expect(JSONObjectScalar.parseLiteral(ast, { v: null })).toEqual({
      a: 1,
      b: ['x', true],
      c: { d: null },
    });
    expect(() => JSONObjectScalar.parseLiteral(literal('[1]'), {})).toThrow(/JSON object/);
  });

  it('tells objects from arrays and null', () => {
    expect(isJsonObject({})).toBe(true);
    expect(isJsonObject([])).toBe(false);
    expect(isJsonObject(null)).toBe(false);
  });
});
