/** The `JSONObject` scalar: a JSON object (never an array or a bare value), out and in. */
import { GraphQLError, GraphQLScalarType, Kind, valueFromASTUntyped } from 'graphql';

export type JsonObject = Record<string, unknown>;

export function isJsonObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

const notAnObject = () =>
  new GraphQLError('JSONObject must be a JSON object, e.g. { "key": "value" }.', {
    extensions: { code: 'BAD_USER_INPUT' },
  });

export const JSONObjectScalar = new GraphQLScalarType({
  name: 'JSONObject',
  description: 'A JSON object.',
  serialize(value) {
    if (!isJsonObject(value)) throw new TypeError('JSONObject cannot represent a non-object value');
    return value;
  },
  parseValue(value) {
    if (!isJsonObject(value)) throw notAnObject();
    return value;
  },
  parseLiteral(ast, variables) {
    if (ast.kind !== Kind.OBJECT) throw notAnObject();
    return valueFromASTUntyped(ast, variables);
  },
});
