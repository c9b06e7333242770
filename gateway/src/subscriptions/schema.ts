/**
 * The executable schema graphql-ws serves. Apollo Gateway plans queries and mutations but not
 * subscriptions, so the gateway builds this schema from the supergraph's API schema (the same
 * types clients see) and attaches: `subscribe` for each Subscription field (a registration on the
 * Kafka bus) and, for entity fields of the payload, a resolver that runs the subscriber's own
 * selection as a query through the gateway, so fields from every subgraph resolve.
 */
import { Supergraph } from '@apollo/federation-internals';
import {
  buildASTSchema,
  isObjectType,
  Kind,
  OperationTypeNode,
  parse,
  visit,
  printSchema,
  type DocumentNode,
  type ExecutionResult,
  type FragmentDefinitionNode,
  type GraphQLResolveInfo,
  type GraphQLSchema,
  type VariableDefinitionNode,
} from 'graphql';
import { AppError, ErrorCode, signInRequired, type Logger } from '@platform/runtime';
import type { GatewayContext } from '../context';
import type { SubscriptionBus } from './bus';
import { entityFields, subscriptionFields } from './fields';

export type Execute = (
  document: DocumentNode,
  variables: Record<string, unknown>,
  context: unknown,
) => Promise<ExecutionResult>;

export function apiSchemaOf(supergraphSdl: string): GraphQLSchema {
  const api = Supergraph.build(supergraphSdl).apiSchema().toGraphQLJSSchema();
  // A fresh copy whose field objects this module may attach resolvers to.
  return buildASTSchema(parse(printSchema(api)));
}

export function buildSubscriptionSchema(
  supergraphSdl: string,
  { bus, execute, logger }: { bus: SubscriptionBus; execute: Execute; logger: Logger },
): GraphQLSchema {
  const schema = apiSchemaOf(supergraphSdl);
  const subscription = schema.getSubscriptionType();
  const declared = Object.keys(subscription?.getFields() ?? {});
  const missing = declared.filter((name) => !subscriptionFields[name]);
  if (missing.length > 0) {
    throw new Error(`no Kafka source for Subscription field(s): ${missing.join(', ')}`);
  }
  const log = logger.child({ source: 'subscriptions' });

  for (const [name, field] of Object.entries(subscription?.getFields() ?? {})) {
    const source = subscriptionFields[name]!;
    field.subscribe = async (_root, args: Record<string, unknown>, context: GatewayContext) => {
      const viewer = context.auth?.principal;
      if (!viewer) throw signInRequired();
      const key = source.key(args);
      await source.authorize?.(args, async (query, variables) => {
        const result = await execute(parse(query), variables, context);
        if (result.errors?.length) {
          throw new AppError(ErrorCode.UPSTREAM_UNAVAILABLE, result.errors[0]!.message);
        }
        return (result.data as Record<string, unknown> | null | undefined) ?? null;
      });
      return bus.subscribe(source.topic, key, (message) => {
        const payload = source.payload(message.value);
        if (!payload) {
          log.warn({ topic: message.topic, key: message.key }, 'skipped invalid event');
          return undefined;
        }
        return !source.visibleTo || source.visibleTo(payload, viewer) ? payload : undefined;
      });
    };
    field.resolve = (payload: unknown) => payload;
  }

  for (const entity of entityFields) {
    const type = schema.getType(entity.type);
    if (!isObjectType(type) || !type.getFields()[entity.field]) {
      throw new Error(`entity field ${entity.type}.${entity.field} is not in the supergraph`);
    }
    type.getFields()[entity.field]!.resolve = async (parent, _args, context, info) => {
      const id = entity.idOf(parent as Record<string, unknown>);
      if (id == null) return null;
      const document = rootFieldQuery(entity.rootField, info);
      const result = await execute(document, { ...info.variableValues, __id: id }, context);
      if (result.errors?.length) {
        throw new AppError(
          ErrorCode.UPSTREAM_UNAVAILABLE,
          `Could not resolve ${entity.type}.${entity.field}: ${result.errors[0]!.message}`,
        );
      }
      return (result.data as Record<string, unknown> | null)?.[entity.rootField] ?? null;
    };
  }
  return schema;
}

/**
 * `query($__id: ID!, ...the subscription's variables) { <rootField>(id: $__id) { <selection> } }`
 * with the operation's fragments, so the subscriber's selection runs as an ordinary query.
 */
export function rootFieldQuery(rootField: string, info: GraphQLResolveInfo): DocumentNode {
  const node = info.fieldNodes[0]!;
  const fragments: FragmentDefinitionNode[] = Object.values(info.fragments);
  // Only the variables the selection uses: an unused one would fail validation.
  const used = new Set<string>();
  for (const part of [node, ...fragments]) {
    visit(part, { Variable: (variable) => void used.add(variable.name.value) });
  }
  const variableDefinitions: VariableDefinitionNode[] = [
    {
      kind: Kind.VARIABLE_DEFINITION,
      variable: { kind: Kind.VARIABLE, name: { kind: Kind.NAME, value: '__id' } },
      type: {
        kind: Kind.NON_NULL_TYPE,
        type: { kind: Kind.NAMED_TYPE, name: { kind: Kind.NAME, value: 'ID' } },
      },
    },
    ...(info.operation.variableDefinitions ?? []).filter((definition) =>
      used.has(definition.variable.name.value),
    ),
  ];
  return {
    kind: Kind.DOCUMENT,
    definitions: [
      {
        kind: Kind.OPERATION_DEFINITION,
        operation: OperationTypeNode.QUERY,
        name: { kind: Kind.NAME, value: `Subscription_${rootField}` },
        variableDefinitions,
        selectionSet: {
          kind: Kind.SELECTION_SET,
          selections: [
            {
              kind: Kind.FIELD,
              name: { kind: Kind.NAME, value: rootField },
              arguments: [
                {
                  kind: Kind.ARGUMENT,
                  name: { kind: Kind.NAME, value: 'id' },
                  value: { kind: Kind.VARIABLE, name: { kind: Kind.NAME, value: '__id' } },
                },
              ],
              selectionSet: node.selectionSet,
            },
          ],
        },
      },
      ...fragments,
    ],
  };
}
