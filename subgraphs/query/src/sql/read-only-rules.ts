/**
 * Walks DuckDB's syntax tree of a SELECT (the JSON of `json_serialize_sql`) and lists what a
 * read-only question over one table must not do: read another table, a file or a table function;
 * call a function that reads settings, variables or sequences; take parameters.
 */
export interface FunctionRules {
  /** The only table that may be read (besides the statement's own CTEs). */
  table: string;
  deniedFunctions: ReadonlySet<string>;
  allowedTableFunctions: ReadonlySet<string>;
}

type Node = Record<string, unknown>;

const isNode = (value: unknown): value is Node =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

const text = (value: unknown) => (typeof value === 'string' ? value : '');

export function findViolations(statements: unknown[], rules: FunctionRules): string[] {
  const ctes = new Set<string>();
  visit(statements, (node) => {
    const map = isNode(node.cte_map) ? node.cte_map.map : undefined;
    if (Array.isArray(map)) {
      for (const entry of map) if (isNode(entry)) ctes.add(text(entry.key).toLowerCase());
    }
  });

  const problems = new Set<string>();
  visit(statements, (node) => {
    const problem = violation(node, rules, ctes);
    if (problem) problems.add(problem);
  });
  return [...problems];
}

function violation(node: Node, rules: FunctionRules, ctes: ReadonlySet<string>): string | null {
  switch (node.type) {
    case 'BASE_TABLE': {
      const qualified = [node.catalog_name, node.schema_name, node.table_name]
        .map(text)
        .filter(Boolean)
        .join('.');
      const name = text(node.table_name).toLowerCase();
      const own = name === rules.table && !text(node.catalog_name) && !text(node.schema_name);
      if (own || (ctes.has(name) && qualified === text(node.table_name))) return null;
      return `Only the data set's table \`${rules.table}\` can be read; \`${qualified}\` is not it.`;
    }
    case 'TABLE_FUNCTION': {
      const fn = isNode(node.function) ? text(node.function.function_name).toLowerCase() : '';
      return rules.allowedTableFunctions.has(fn)
        ? null
        : `\`${fn}()\` reads from outside the data set; only the table \`${rules.table}\` can be read.`;
    }
    case 'SHOW_REF':
      return `DESCRIBE, SHOW and SUMMARIZE are not available here; select from \`${rules.table}\`.`;
    default:
      break;
  }
  switch (node.class) {
    case 'FUNCTION':
    case 'WINDOW': {
      const name = text(node.function_name).toLowerCase();
      if (text(node.schema) || text(node.catalog)) {
        return `Function \`${text(node.schema) || text(node.catalog)}.${name}\` is not allowed: call functions without a schema.`;
      }
      return rules.deniedFunctions.has(name) ? `Function \`${name}\` is not allowed here.` : null;
    }
    case 'PARAMETER':
      return 'Parameters ($1, ?) are not supported: write the values into the SQL.';
    default:
      return null;
  }
}

function visit(value: unknown, fn: (node: Node) => void): void {
  if (Array.isArray(value)) {
    for (const item of value) visit(item, fn);
  } else if (isNode(value)) {
    fn(value);
    for (const [key, child] of Object.entries(value)) {
      // A table function's call is judged as a table function, not again as a function; its
      // arguments are still walked.
      if (key === 'function' && value.type === 'TABLE_FUNCTION' && isNode(child)) {
        visit(child.children, fn);
      } else {
        visit(child, fn);
      }
    }
  }
}
