/** The `JSON` scalar: any JSON value out (result rows, chart specs); never read from clients. */
import { GraphQLError, GraphQLScalarType } from 'graphql';

const refuse = () => {
  throw new GraphQLError('JSON values are only returned, never accepted as input.', {
    extensions: { code: 'BAD_USER_INPUT' },
  });
};

export const JSONScalar = new GraphQLScalarType({
  name: 'JSON',
  description: 'Any JSON value.',
  serialize: (value) => value,
  parseValue: refuse,
  parseLiteral: refuse,
});
