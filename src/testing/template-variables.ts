import nunjucks from 'nunjucks';

/** A variable a template reads: `question`, or a path into one (`user.email`). */
export interface TemplateVariable {
  path: string[];
  /** Read as a whole value (`{{ question }}`), not only through its fields or in a loop. */
  direct: boolean;
}

interface AstNode {
  typename: string;
  fields: string[];
  value?: unknown;
  [field: string]: unknown;
}

const GLOBALS = new Set(['range', 'cycler', 'joiner', 'loop', 'caller', 'super', 'true', 'false', 'none']);

/**
 * The variables a nunjucks template reads, found in its syntax tree: names bound inside it (`for`,
 * `set`, macro arguments) and built-ins are left out. Best effort for what the tree shows; a name
 * built at run time (`attribute(x, name)`) is not seen.
 */
export function templateVariables(source: string): TemplateVariable[] {
  const root = (nunjucks as unknown as { parser: { parse(src: string): AstNode } }).parser.parse(source);
  const bound = new Set<string>();
  const found = new Map<string, TemplateVariable>();
  const note = (path: string[], direct: boolean) => {
    if (GLOBALS.has(path[0]!) || bound.has(path[0]!)) return;
    const key = path.join('.');
    const seen = found.get(key);
    if (seen) seen.direct ||= direct;
    else found.set(key, { path, direct });
  };
  const bind = (node: unknown) => {
    for (const n of nodesIn(node)) if (n.typename === 'Symbol') bound.add(String(n.value));
  };

  const visit = (node: unknown): void => {
    if (Array.isArray(node)) {
      for (const n of node) visit(n);
      return;
    }
    if (!isNode(node)) return;
    const t = node.typename;
    if (t === 'Symbol') note([String(node.value)], true);
    else if (t === 'LookupVal') {
      const path = lookupPath(node);
      if (path) note(path, true);
      else visitFields(node);
    } else if (t === 'For' || t === 'AsyncEach' || t === 'AsyncAll') {
      visitIterated(node.arr);
      bind(node.name);
      visit(node.body);
      visit(node.else_);
    } else if (t === 'Set') {
      visit(node.value);
      visit(node.body);
      bind(node.targets);
    } else if (t === 'Macro') {
      bind(node.name);
      bind(node.args);
      visit(node.body);
    } else if (t === 'Filter' || t === 'FilterAsync') {
      // The filter's name is a Symbol too, but not a variable.
      visit(node.args);
    } else if (t === 'FunCall' && isNode(node.name) && node.name.typename === 'Symbol') {
      // A call of a global (`range(3)`) or a macro: its arguments are read, its name is not.
      visit(node.args);
    } else visitFields(node);
  };
  const visitFields = (node: AstNode) => {
    for (const field of node.fields) visit(node[field]);
  };
  // `{% for x in items %}` reads items as a list, not as a value printed whole.
  const visitIterated = (node: unknown) => {
    if (isNode(node) && node.typename === 'Symbol') note([String(node.value)], false);
    else if (isNode(node) && node.typename === 'LookupVal') {
      const path = lookupPath(node);
      if (path) note(path, false);
      else visit(node);
    } else visit(node);
  };

  visit(root);
  // `user.email` read means `user` is a structure: it is not a direct variable itself.
  const all = [...found.values()];
  return all.filter(
    (v) => !(v.path.length === 1 && all.some((w) => w.path.length > 1 && w.path[0] === v.path[0])),
  );
}

/** `user.email` or `items[0]` as a path, when every step is a literal. */
function lookupPath(node: AstNode): string[] | undefined {
  const steps: string[] = [];
  let at: unknown = node;
  while (isNode(at) && at.typename === 'LookupVal') {
    const val = at.val;
    if (!isNode(val) || val.typename !== 'Literal') return undefined;
    steps.unshift(String(val.value));
    at = at.target;
  }
  if (!isNode(at) || at.typename !== 'Symbol') return undefined;
  return [String(at.value), ...steps];
}

function isNode(x: unknown): x is AstNode {
  return typeof x === 'object' && x !== null && typeof (x as AstNode).typename === 'string';
}

function* nodesIn(node: unknown): Generator<AstNode> {
  if (Array.isArray(node)) for (const n of node) yield* nodesIn(n);
  else if (isNode(node)) {
    yield node;
    for (const f of node.fields) yield* nodesIn(node[f]);
  }
}
