// Plain-first calls: a build step that makes a call of a kernel function
// that may sleep cost a plain call unless it really yields.
//
// A kernel function that may sleep is a generator (docs/engine.md), and
// `yield* f(args)` makes f's generator object, starts and finishes it, even
// when f runs to its end without yielding — most calls: io_uring's
// non-blocking issue, a lock taken where it is free, a dio submitted without
// waiting. This transform leaves every function as it is written and adds,
// for each generator function (and each plain function that returns a
// `KGen`, the `return submitBio(bio)` form), a plain twin `f.plainForm` with
// the same body, in which a request the generator would yield returns a
// `Suspended` (packages/sim/src/plain-first.ts) carrying the request and the
// frames that continue the call from there: each twin the Suspended passes
// through on its way out adds one of its function's resume generators (one
// per place it may yield: what can run after that place, which skips,
// without side effects, to it, and takes the value there). Each
// `yield* g(args)` — in generators and twins alike — calls g's twin first,
// and pays for generators only when it returns a Suspended; a generator then
// yields the Suspended to the engine as a call (`yield s`, not `yield* s`),
// and a callee without a twin as its iterator (`yield g(args)`): the engine
// keeps the frames on one stack and steps only the innermost, so a resume
// costs one generator step however deep the call. `runNoSleep(g(args))`
// calls the twin too.
//
// The engine sees the same requests in the same order, so results are the
// same with and without the step (tests run the source untransformed; the
// bundles and each package's dist are transformed; test/plain-first*.test.ts
// compare them). A function the transform cannot give a resume generator
// (a request inside an expression it cannot resume, `for…of` or
// `try…finally` around a request, a closure over a local that changes) keeps only its
// generator, and a call of it steps that generator.
//
// Only text is changed, and the original lines stay where they are (twins
// are appended), so stack traces still point at the source's lines.
import ts from 'typescript';

const K = ts.SyntaxKind;

/** Any generator, plain `KGen` function or `runNoSleep(`: a cheap test before parsing. */
const MAYBE = /function\s*\*|\*\s*[A-Za-z_$][\w$]*\s*\(|runNoSleep\(|\)\s*:\s*KGen</;

/** `code` (an expression) on one line, comments dropped: a twin written in the middle of the source must not move its lines. */
function oneLine(code) {
  const f = ts.createSourceFile('twin.ts', `(${code});`, ts.ScriptTarget.Latest, false, ts.ScriptKind.TS);
  const printed = ts.createPrinter({ removeComments: true }).printFile(f).trim().replace(/;$/, '');
  return printed.includes('`') ? printed : printed.replace(/\n\s*/g, ' ');
}

/** Argument list `args` on one line, comments dropped. */
function oneLineArgs(args) {
  const f = ts.createSourceFile('args.ts', `__dio(${args});`, ts.ScriptTarget.Latest, false, ts.ScriptKind.TS);
  const printed = ts.createPrinter({ removeComments: true }).printFile(f).trim();
  const inner = printed.slice('__dio('.length, printed.lastIndexOf(')'));
  return inner.includes('`') ? inner : inner.replace(/\n\s*/g, ' ');
}

/** Thrown where a function has a form its twin cannot have: it keeps only its generator. */
class Unsupported extends Error {}

/**
 * `text` (a TypeScript module) with the twins, or null when it has nothing
 * to transform. `simModule` is where the runtime is imported from
 * (`@dio/sim`, or a relative path inside @dio/sim itself).
 */
export function transformPlainFirst(text, fileName, simModule) {
  if (!MAYBE.test(text)) return null;
  const sf = ts.createSourceFile(fileName, text, ts.ScriptTarget.Latest, true, ts.ScriptKind.TS);
  const appended = [];
  let changed = false;
  let resumeId = 0;

  const isFn = (n) => ts.isFunctionLike(n) || ts.isClassLike(n);
  const unwrap = (e) => {
    while (ts.isParenthesizedExpression(e) || ts.isAsExpression(e) || ts.isNonNullExpression(e) || ts.isTypeAssertionExpression(e) || ts.isSatisfiesExpression(e)) e = e.expression;
    return e;
  };
  /** A literal, or a unary minus of one: a case label with no effect. */
  const hasNoEffect = (e) => ts.isLiteralExpression(e) || (ts.isPrefixUnaryExpression(e) && ts.isLiteralExpression(e.operand));
  /** A name, `this`, or property accesses on one: evaluating it has no effect. */
  const simple = (e) => ts.isIdentifier(e) || e.kind === K.ThisKeyword || (ts.isPropertyAccessExpression(e) && !e.questionDotToken && ts.isIdentifier(e.name) && simple(e.expression));
  /** Whether `n` holds a yield of its own function (not of a nested one). */
  const hasYield = (n) => {
    let found = false;
    const walk = (c) => {
      if (found || isFn(c)) return;
      if (ts.isYieldExpression(c)) found = true;
      else ts.forEachChild(c, walk);
    };
    walk(n);
    return found;
  };

  /** Identifiers in a declaration's name (a binding pattern's too). */
  const boundNames = (b) => (ts.isIdentifier(b) ? [b] : b.elements.flatMap((el) => (ts.isOmittedExpression(el) ? [] : boundNames(el.name))));
  /** Whether identifier `n` names a variable here (not a property name or a label). */
  const isReference = (n) => {
    const p = n.parent;
    if ((ts.isPropertyAccessExpression(p) || ts.isQualifiedName(p)) && p.name === n) return false;
    if ((ts.isPropertyAssignment(p) || ts.isMethodDeclaration(p) || ts.isPropertyDeclaration(p) || ts.isPropertySignature(p)) && p.name === n) return false;
    if (ts.isBindingElement(p) && p.propertyName === n) return false;
    if ((ts.isLabeledStatement(p) || ts.isBreakOrContinueStatement(p)) && p.label === n) return false;
    if (ts.isTypeReferenceNode(p) || ts.isTypeQueryNode(p)) return false;
    return true;
  };
  /** Identifier node → the name the twins give it (a local renamed apart from another of the same name). */
  const renames = new Map();

  // ---- expressions ---------------------------------------------------------
  // `gen`: the code is a kernel generator's own (its `yield*` calls the twin
  // first); a nested function's body is emitted with its own.

  /** The text of `node` with the rewrites applied inside it. */
  function emit(node, gen) {
    if (ts.isIdentifier(node)) {
      const r = renames.get(node);
      if (r === undefined) return node.text;
      const p = node.parent;
      return ts.isShorthandPropertyAssignment(p) || (ts.isBindingElement(p) && p.propertyName === undefined && p.name === node) ? `${node.text}: ${r}` : r;
    }
    if (ts.isYieldExpression(node) && gen) {
      if (node.asteriskToken) return callFirst(node.expression, gen);
      return yieldFirst(node, gen);
    }
    if (ts.isCallExpression(node) && ts.isIdentifier(node.expression) && node.expression.text === 'runNoSleep' && node.arguments.length === 1 && ts.isCallExpression(unwrap(node.arguments[0]))) {
      changed = true;
      return `((__dioT = ${plainCall(node.arguments[0], gen)}) instanceof __dioSuspended ? runNoSleep(__dioT) : __dioT)`;
    }
    if (ts.isMethodDeclaration(node) && ts.isObjectLiteralExpression(node.parent) && ts.isIdentifier(node.name)) {
      const m = objectMethod(node);
      if (m !== null) return m;
    }
    if (ts.isArrowFunction(node) && returnsKGen(node)) {
      // an arrow that hands back a call of a function that may sleep (an end_io hook): its twin beside it
      changed = true;
      const body = ts.isBlock(node.body) ? retTwinBody(node) : plainCall(node.body, false);
      return `__dioWithPlainForm(${children(node, false)}, ${oneLine(`${tps(node)}(${params(node)}) => ${body}`)})`;
    }
    if (isFn(node)) return children(node, kernelGenerator(node));
    return children(node, gen);
  }

  /** `node`'s text with the rewrites applied inside it (its children emitted). */
  const children = (node, gen) => subst(node, (c) => emit(c, gen));

  /** Whether `fn` is a generator of kernel code: one declared to return a `KGen` (an iterator of other things is left alone). */
  function kernelGenerator(fn) {
    return ts.isFunctionLike(fn) && fn.asteriskToken !== undefined && returnsKGen(fn);
  }

  /** Whether `fn` is declared to return a `KGen` (what marks kernel code that may sleep). */
  function returnsKGen(fn) {
    return fn.type !== undefined && /^KGen\s*</.test(fn.type.getText(sf));
  }

  /**
   * How call `c` reaches its callee's twin: `f`, the function whose
   * `plainForm` to read, and `invoke(args)`, the call of that twin (`this`
   * as the call has it); null for a callee of another form.
   */
  function twinCall(c, gen) {
    const g = c.expression;
    if (ts.isIdentifier(g)) return { f: emit(g, gen), invoke: (args) => `(${args})` };
    if (!ts.isPropertyAccessExpression(g) || !simple(g)) return null;
    const o = emit(g.expression, gen);
    // f.call(thisArg, …): f's twin, called the same way
    if (g.name.text === 'call') return { f: o, invoke: (args) => `.call(${args})` };
    return { f: `${o}.${g.name.text}`, invoke: (args) => `.call(${o}${args === '' ? '' : `, ${args}`})` };
  }

  /** Whether `e` is `returned(x)`: a call already finished, its value x. */
  const isReturned = (e) => ts.isCallExpression(e) && ts.isIdentifier(e.expression) && e.expression.text === 'returned' && e.arguments.length === 1;

  /** `yield* e` inside a generator: the twin first; a Suspended is yielded through. */
  function callFirst(e, gen) {
    const c = unwrap(e);
    if (!ts.isCallExpression(c) && !ts.isConditionalExpression(c)) return `yield* ${emit(e, gen)}`;
    changed = true;
    const t = ts.isCallExpression(c) && !c.questionDotToken && !isReturned(c) && !c.arguments.some(hasYield) ? twinCall(c, gen) : null;
    if (t !== null) {
      // a callee without a twin is delegated to as written (a generator's own yield*, not stepped); the
      // arguments are written twice, for the two branches, the twin's on one line so no line moves
      const args = c.arguments.map((a) => emit(a, gen)).join(', ');
      const line = args === '' ? '' : oneLineArgs(args);
      return `((__dioF = ${t.f}.plainForm) === undefined ? yield ${emit(c.expression, gen)}(${args}) : (__dioT = __dioF${t.invoke(line)}) instanceof __dioSuspended ? yield __dioT : __dioT)`;
    }
    return `((__dioT = ${plainCall(e, gen)}) instanceof __dioSuspended ? yield __dioT : __dioT)`;
  }

  /** `yield x` inside a generator: a spend that yielding could not change is done in place (`trySpend`), anything else yielded. */
  function yieldFirst(y, gen) {
    if (y.expression === undefined) return 'yield';
    changed = true;
    return `(__dioSpend(__dioT = ${emit(y.expression, gen)}) ? undefined : yield __dioT)`;
  }

  /** Run call-or-iterator `e` plainly: its value, or a Suspended. */
  function plainCall(e, gen) {
    e = unwrap(e);
    if (ts.isConditionalExpression(e)) return `(${emit(e.condition, gen)} ? ${plainCall(e.whenTrue, gen)} : ${plainCall(e.whenFalse, gen)})`;
    if (isReturned(e)) return `(${emit(e.arguments[0], gen)})`;
    const t = ts.isCallExpression(e) && !e.questionDotToken ? twinCall(e, gen) : null;
    if (t !== null) return `(${t.f}.plainForm ?? __dioNoTwin(${t.f}))${t.invoke(e.arguments.map((a) => emit(a, gen)).join(', '))}`;
    return `__dioStep(${emit(e, gen)})`;
  }

  // ---- twins -----------------------------------------------------------------

  /** Whether `fn` gets a twin: 'gen' (a generator), 'ret' (a plain function returning a KGen), or null. */
  function twinKind(fn) {
    if (fn.body === undefined || !ts.isBlock(fn.body) || !returnsKGen(fn)) return null;
    return fn.asteriskToken ? 'gen' : 'ret';
  }

  /**
   * The twin of `fn` as a function expression, and (for a generator) its
   * resume generators as function declarations named `resumeName` and the
   * site's number, or null.
   */
  function twinOf(fn, kind, resumeName) {
    try {
      return kind === 'gen' ? genTwin(fn, resumeName) : { twin: retTwin(fn), resume: '' };
    } catch (e) {
      if (e instanceof Unsupported) {
        if (process.env.DIO_PLAIN_FIRST_DEBUG) console.error(`plain-first: ${fileName}: ${fn.name?.getText(sf)}: no twin (${e.stack.split('\n')[1].trim()}): ${e.message}`);
        return null;
      }
      throw e;
    }
  }

  const tps = (fn) => (fn.typeParameters ? `<${text.slice(fn.typeParameters.pos, fn.typeParameters.end)}>` : '');
  const params = (fn) => fn.parameters.map((p) => p.getText(sf)).join(', ');

  /** Refuse what a twin written outside its function cannot do. */
  function checkMovable(fn) {
    const walk = (n) => {
      if (n.kind === K.SuperKeyword || ts.isPrivateIdentifier(n) || (ts.isIdentifier(n) && n.text === 'arguments')) throw new Unsupported(`${n.getText(sf)} in ${fn.name?.getText(sf)}`);
      ts.forEachChild(n, walk);
    };
    walk(fn.body);
  }

  /** Whether `n` lies inside a `try` statement within `fn` (`withFinally`: one that has a `finally`, which a return from inside would run too early). */
  function inTry(n, fn, withFinally = false) {
    for (let p = n.parent; p !== undefined && p !== fn; p = p.parent) if (ts.isTryStatement(p) && (!withFinally || p.finallyBlock !== undefined)) return true;
    return false;
  }

  /** A plain function returning a KGen: its returns run the call plainly. */
  function retTwin(fn) {
    checkMovable(fn);
    return `function ${tps(fn)}(${params(fn)}) ${retTwinBody(fn)}`;
  }

  function retTwinBody(fn) {
    const walk = (n) => {
      if (isFn(n)) return children(n, kernelGenerator(n));
      if (ts.isReturnStatement(n) && n.expression) {
        // a plain function's try does not cover its callee's body when that is a generator (run later, by the caller)
        if (inTry(n, fn)) throw new Unsupported();
        return `return ${plainCall(n.expression, false)};`;
      }
      return subst(n, walk);
    };
    return walk(fn.body);
  }

  /** `node`'s text with each child replaced by `f(child)`. */
  function subst(node, f) {
    let out = '';
    let pos = node.getStart(sf);
    const visit = (c) => {
      const start = c.getStart(sf);
      if (start < pos) return;
      out += text.slice(pos, start) + f(c);
      pos = c.end;
    };
    ts.forEachChild(node, visit, (nodes) => nodes.forEach(visit));
    return out + text.slice(pos, node.end);
  }

  /** The twin and resume generators of generator `fn`. */
  function genTwin(fn, resumeName) {
    checkMovable(fn);
    // the parameters and locals the continuation carries, each under a name of its own (locals of
    // different blocks with one name are renamed apart), and closures only over names that keep one value
    const names = [];
    for (const p of fn.parameters) {
      if (!ts.isIdentifier(p.name) || p.name.text === 'this') throw new Unsupported();
      names.push(p.name.text);
    }
    const used = new Set(names);
    const locals = [];
    const entries = []; // fn's locals in order of declaration, named apart below
    const scopes = new Map(); // scope node → name → { unique, fixed, foreign }
    const declare = (scope, name, entry) => {
      if (!scopes.has(scope)) scopes.set(scope, new Map());
      scopes.get(scope).set(name, entry);
    };
    const inLoop = (n) => {
      for (let p = n.parent; p !== fn; p = p.parent) if (ts.isIterationStatement(p, false)) return true;
      return false;
    };
    const assigned = new Set();
    const collect = (n, foreign) => {
      if (isFn(n) && n !== fn) {
        if (ts.isFunctionDeclaration(n) && !foreign) throw new Unsupported();
        if (ts.isFunctionLike(n)) for (const p of n.parameters) for (const id of boundNames(p.name)) declare(n, id.text, { foreign: true });
        ts.forEachChild(n, (c) => collect(c, true));
        return;
      }
      if (ts.isVariableDeclaration(n)) {
        const list = n.parent;
        if (ts.isCatchClause(list)) {
          for (const id of boundNames(n.name)) declare(list, id.text, { foreign: true });
        } else {
          const blockScoped = (list.flags & ts.NodeFlags.BlockScoped) !== 0;
          const holder = list.parent;
          const scope = !blockScoped ? fn.body : ts.isVariableStatement(holder) ? holder.parent : holder;
          for (const id of boundNames(n.name)) {
            if (foreign) {
              declare(scope, id.text, { foreign: true });
              continue;
            }
            const e = { unique: id.text, fixed: (list.flags & ts.NodeFlags.Const) !== 0 && !inLoop(list), foreign: false };
            entries.push(e);
            declare(scope, id.text, e);
          }
        }
      }
      if ((ts.isBinaryExpression(n) && n.operatorToken.kind >= K.FirstAssignment && n.operatorToken.kind <= K.LastAssignment && ts.isIdentifier(n.left)) || ((ts.isPrefixUnaryExpression(n) || ts.isPostfixUnaryExpression(n)) && ts.isIdentifier(n.operand) && (n.operator === K.PlusPlusToken || n.operator === K.MinusMinusToken))) assigned.add((n.left ?? n.operand).text);
      ts.forEachChild(n, (c) => collect(c, foreign));
    };
    collect(fn.body, false);
    for (const name of names) declare(fn, name, { unique: name, fixed: !assigned.has(name), foreign: false });
    /** What identifier `id` names: a local or parameter of fn, a nested function's own ('foreign'), or null (outside fn). */
    const lookup = (id) => {
      for (let p = id.parent; p !== undefined; p = p.parent) {
        const e = scopes.get(p)?.get(id.text);
        if (e !== undefined) return e;
        if (p === fn) return null;
      }
      return null;
    };
    const resolve = (id) => {
      const e = lookup(id);
      return e === null || e.foreign ? null : e;
    };
    // hoisted to the function's top, a block's local must not hide a name from outside that fn uses elsewhere
    const outer = new Set();
    const outerRefs = (n) => {
      if (ts.isIdentifier(n) && isReference(n) && lookup(n) === null) outer.add(n.text);
      ts.forEachChild(n, outerRefs);
    };
    outerRefs(fn.body);
    for (const e of entries) {
      const name = e.unique;
      for (let i = 2; used.has(e.unique) || outer.has(e.unique); i++) e.unique = `${name}$${i}`;
      used.add(e.unique);
      locals.push(e.unique);
    }
    if ([...used].some((x) => x.startsWith('__dio'))) throw new Unsupported();
    const added = [];
    const refs = (n, inner) => {
      if (ts.isIdentifier(n) && isReference(n)) {
        const e = resolve(n);
        if (e !== null) {
          if (inner && !e.fixed) throw new Unsupported();
          if (e.unique !== n.text) {
            renames.set(n, e.unique);
            added.push(n);
          }
        }
      }
      ts.forEachChild(n, (c) => refs(c, inner || isFn(c)));
    };
    try {
      refs(fn.body, false);
    } catch (e) {
      for (const n of added) renames.delete(n);
      throw e;
    }
    const all = [...names, ...locals];

    // number the requests in source order
    const sites = new Map();
    const number = (n) => {
      if (isFn(n)) return;
      if (ts.isYieldExpression(n)) sites.set(n, sites.size + 1);
      ts.forEachChild(n, number);
    };
    number(fn.body);
    /** The first and last site inside `n`, or null. */
    const range = (n) => {
      let lo = Infinity;
      let hi = -Infinity;
      for (const [y, k] of sites) {
        if (y.pos >= n.pos && y.end <= n.end) {
          lo = Math.min(lo, k);
          hi = Math.max(hi, k);
        }
      }
      return lo === Infinity ? null : [lo, hi];
    };
    // one resume generator per site: `target` is the site the one being written resumes at
    let target = 0;
    let targetNode = null;
    const holds = (r) => r !== null && target >= r[0] && target <= r[1];
    const inRange = (r) => (holds(r) ? 'true' : 'false');
    /** Where statement `st` (without the target) runs relative to the target on the way back: 'before' (always skipped: dropped), 'after' (never skipped), or 'loop' (both, in a loop round both). */
    const placeOf = (st) => {
      for (let p = targetNode.parent; p !== undefined && p !== fn; p = p.parent) if (ts.isIterationStatement(p, false) && st.pos >= p.pos && st.end <= p.end) return 'loop';
      return st.end <= targetNode.pos ? 'before' : 'after';
    };

    /** A declaration list as assignments (the names are hoisted), or '' when nothing is assigned. */
    const assignDecls = (list, gen) =>
      list.declarations
        .filter((d) => d.initializer !== undefined || ts.isIdentifier(d.name))
        .map((d) => (d.initializer === undefined ? `${emit(d.name, gen)} = undefined` : ts.isIdentifier(d.name) ? `${emit(d.name, gen)} = ${emit(d.initializer, gen)}` : `(${emit(d.name, gen)} = ${emit(d.initializer, gen)})`))
        .join(', ');

    /** A statement without requests, locals hoisted: declarations become assignments. */
    function plainStmt(s, gen) {
      if (ts.isVariableStatement(s)) {
        const a = assignDecls(s.declarationList, gen);
        return a === '' ? ';' : `${a};`;
      }
      const walk = (n) => {
        if (ts.isVariableDeclarationList(n)) {
          if (ts.isForOfStatement(n.parent) || ts.isForInStatement(n.parent)) return emit(n.declarations[0].name, gen);
          return assignDecls(n, gen);
        }
        if (ts.isVariableStatement(n)) return plainStmt(n, gen);
        return isFn(n) || ts.isYieldExpression(n) || ts.isIdentifier(n) ? emit(n, gen) : subst(n, walk);
      };
      return walk(s);
    }

    /** The form of a statement that is one request (or a choice of them): how its value is used, and the request term. */
    function siteForm(s) {
      if (ts.isExpressionStatement(s)) {
        const e = unwrap(s.expression);
        if (isTerm(e)) return { use: (v) => `${v};`, y: e };
        if (ts.isBinaryExpression(e) && e.operatorToken.kind === K.EqualsToken) {
          const targets = [];
          let r = e;
          while (ts.isBinaryExpression(r) && r.operatorToken.kind === K.EqualsToken && simple(r.left)) {
            targets.push(emit(r.left, false));
            r = unwrap(r.right);
          }
          if (targets.length > 0 && isTerm(r)) return { use: (v) => `${targets.join(' = ')} = ${v};`, y: r };
        }
        if (ts.isCallExpression(e) && e.arguments.length === 1 && simple(e.expression) && isTerm(unwrap(e.arguments[0]))) return { use: (v) => `${emit(e.expression, false)}(${v});`, y: unwrap(e.arguments[0]) };
        return null;
      }
      if (ts.isVariableStatement(s) && s.declarationList.declarations.length === 1) {
        const d = s.declarationList.declarations[0];
        if (ts.isIdentifier(d.name) && d.initializer !== undefined && isTerm(unwrap(d.initializer))) return { use: (v) => `${emit(d.name, false)} = ${v};`, y: unwrap(d.initializer) };
        return null;
      }
      if (ts.isReturnStatement(s) && s.expression !== undefined && isTerm(unwrap(s.expression))) return { use: (v) => `return ${v};`, y: unwrap(s.expression), ret: true };
      return null;
    }
    /** A request, or a conditional choosing between requests and values (its test without requests). */
    function isTerm(e) {
      if (ts.isYieldExpression(e)) return e.expression === undefined || !hasYield(e.expression);
      if (ts.isConditionalExpression(e) && !hasYield(e.condition)) {
        const a = unwrap(e.whenTrue);
        const b = unwrap(e.whenFalse);
        return (isTerm(a) || !hasYield(a)) && (isTerm(b) || !hasYield(b)) && (hasYield(a) || hasYield(b));
      }
      return false;
    }

    // the twin: plain; a request returns a Suspended continued by the resume generator
    function twinTerm(y, form) {
      if (!hasYield(y)) return form.use(emit(y, false));
      if (ts.isConditionalExpression(y)) return `if (${emit(y.condition, false)}) { ${twinTerm(unwrap(y.whenTrue), form)} } else { ${twinTerm(unwrap(y.whenFalse), form)} }`;
      const k = sites.get(y);
      const carry = siteVars.get(k).map((n) => `, ${n}`).join('');
      if (y.asteriskToken) {
        if (form.ret && !inTry(y, fn)) return `return ${plainCall(y.expression, false)};`;
        return `if ((__dioT = ${plainCall(y.expression, false)}) instanceof __dioSuspended) return __dioT.${resumeIn(y)}(${resumeName}${k}.call(this${carry})); ${form.use('__dioT')}`;
      }
      const suspend = `return new __dioSuspended(__dioT).${resumeIn(y)}(${resumeName}${k}.call(this${carry}));`;
      if (y.expression === undefined) return `__dioT = undefined; ${suspend}`;
      // a spend that yielding could not change is done in place (trySpend), and the code goes on
      return `if (!__dioSpend(__dioT = ${emit(y.expression, false)})) ${suspend} ${form.use('undefined')}`;
    }
    // a resume generator is stepped first with its value in `answer.v`; one whose place is inside a try
    // is started at once instead (standing at a yield there), so an exception thrown into it meets the catch
    function resumeIn(y) {
      return inTry(y, fn) ? 'resumeInTry' : 'resumeIn';
    }
    function twinStmt(s) {
      if (range(s) === null) return plainStmt(s, false);
      const form = siteForm(s);
      if (form !== null) {
        if (inTry(s, fn, true)) throw new Unsupported();
        return `{ ${twinTerm(form.y, form)} }`;
      }
      return structured(s, twinStmt, (cond) => cond, false);
    }

    // the resume generator of site `target`: skips (only tests, no effects) to it, takes the answer there, then runs on as a generator
    function resumeTerm(y, form) {
      if (!hasYield(y)) return form.use(emit(y, true));
      if (ts.isConditionalExpression(y)) return `if (__skip ? ${inRange(range(y.whenTrue))} : (${emit(y.condition, true)})) { ${resumeTerm(unwrap(y.whenTrue), form)} } else { ${resumeTerm(unwrap(y.whenFalse), form)} }`;
      const normal = y.asteriskToken ? callFirst(y.expression, true) : yieldFirst(y, true);
      if (sites.get(y) !== target) return form.use(normal);
      return form.use(`(__skip ? (__skip = false, ${inTry(y, fn) ? 'yield' : '__dioAnswer.v'}) : ${normal})`);
    }
    function resumeStmt(s) {
      const r = range(s);
      if (holds(r)) return resumeCode(s);
      const place = placeOf(s);
      if (place === 'before') return '';
      return place === 'after' ? `{ ${resumeCode(s)} }` : `if (!__skip) { ${resumeCode(s)} }`;
    }
    /** Statement `s` in the resume generator, without the guard round it (a label stays on its loop). */
    function resumeCode(s) {
      if (ts.isLabeledStatement(s)) return `${s.label.text}: ${resumeCode(s.statement)}`;
      const r = range(s);
      if (r === null) return plainStmt(s, true);
      const form = siteForm(s);
      if (form !== null) return `{ ${resumeTerm(form.y, form)} }`;
      return structured(s, resumeStmt, (cond, part) => `__skip ? ${inRange(range(part))} : (${cond})`, true);
    }

    /** A statement that holds requests in its parts: the same statement, its parts and tests transformed. */
    function structured(s, stmt, test, gen) {
      // braces round a single statement too: an `if` made of it must not take the `else` after it
      const body = (b) => `{ ${(ts.isBlock(b) ? b.statements : [b]).map(stmt).join(' ')} }`;
      // requests in a test or a loop's head: nowhere to resume
      for (const part of [s.expression, s.condition, s.initializer, s.incrementor]) if (part !== undefined && hasYield(part)) throw new Unsupported();
      if (ts.isBlock(s)) return body(s);
      if (ts.isIfStatement(s)) return `if (${test(emit(s.expression, gen), s.thenStatement)}) ${body(s.thenStatement)}${s.elseStatement ? ` else ${body(s.elseStatement)}` : ''}`;
      if (ts.isWhileStatement(s)) return `while (${test(emit(s.expression, gen), s)}) ${body(s.statement)}`;
      if (ts.isForStatement(s)) {
        const init = s.initializer === undefined ? '' : ts.isVariableDeclarationList(s.initializer) ? assignDecls(s.initializer, gen) : emit(s.initializer, gen);
        const init2 = gen && init !== '' ? `__skip ? void 0 : (${init})` : init;
        return `for (${init2}; ${test(s.condition ? emit(s.condition, gen) : 'true', s)}; ${s.incrementor ? emit(s.incrementor, gen) : ''}) ${body(s.statement)}`;
      }
      // (a resumed `do` is entered without a test: it holds the site, or a guard round it decided)
      if (ts.isDoStatement(s)) return `do ${body(s.statement)} while (${emit(s.expression, gen)});`;
      if (ts.isLabeledStatement(s)) return `${s.label.text}: ${stmt(s.statement)}`;
      if (ts.isSwitchStatement(s)) {
        // resumed at a case: the switch is taken straight to it (its case value; a fresh object matches no case, so default)
        const clauses = s.caseBlock.clauses;
        for (const c of clauses) if (ts.isCaseClause(c) && !(simple(c.expression) || hasNoEffect(c.expression))) throw new Unsupported();
        const at = clauses.find((c) => holds(range(c)));
        const disc = emit(s.expression, gen);
        const head = gen && at !== undefined ? `__skip ? ${ts.isCaseClause(at) ? emit(at.expression, gen) : '{}'} : (${disc})` : disc;
        const arms = clauses.map((c) => `${ts.isCaseClause(c) ? `case ${emit(c.expression, gen)}` : 'default'}: ${c.statements.map(stmt).join(' ')}`);
        return `switch (${head}) { ${arms.join(' ')} }`;
      }
      if (ts.isTryStatement(s) && s.finallyBlock === undefined && s.catchClause !== undefined && range(s.catchClause) === null) {
        const c = s.catchClause;
        return `try ${body(s.tryBlock)} catch${c.variableDeclaration ? ` (${c.variableDeclaration.getText(sf)})` : ''} ${emit(c.block, gen)}`;
      }
      throw new Unsupported();
    }

    // each site's resume generator: the statements that can run after it, and only the locals they use
    const resumes = [];
    const siteVars = new Map();
    for (const [y, k] of sites) {
      target = k;
      targetNode = y;
      const body = fn.body.statements.map(resumeStmt).filter((x) => x !== '').join('\n');
      const used = all.filter((n) => new RegExp(`(^|[^\\w$.])${n.replace(/\$/g, '\\$')}(?![\\w$])`).test(body));
      siteVars.set(k, used);
      resumes.push(`function* ${resumeName}${k}(${used.join(', ')}) { let __skip = true;\n${body} }`);
    }
    const hoisted = locals.length > 0 ? `let ${locals.join(', ')}; ` : '';
    const twinBody = fn.body.statements.map(twinStmt).join('\n');
    return {
      twin: `function ${tps(fn)}(${params(fn)}) { ${hoisted}${twinBody} }`,
      resume: resumes.join('\n'),
    };
  }

  /** An object literal's method with a twin: `name: withPlainForm(function name(…) {…}, twin)`, its resume generator beside it. */
  function objectMethod(m) {
    const kind = twinKind(m);
    if (kind === null) return null;
    const resumeName = `__dioResume${++resumeId}`;
    const t = twinOf(m, kind, resumeName);
    if (t === null) return null;
    changed = true;
    const star = m.asteriskToken ? '*' : '';
    const type = m.type ? `: ${m.type.getText(sf)}` : '';
    // kept a method (its own name, and no binding of that name inside it): `({ *m() {…} }).m`
    const orig = `({ ${star}${m.name.text}${tps(m)}(${params(m)})${type} ${children(m.body, kind === 'gen')} }).${m.name.text}`;
    const twin = t.resume === '' ? t.twin : `(() => { ${t.resume} return ${t.twin}; })()`;
    return `${m.name.text}: __dioWithPlainForm(${orig}, ${oneLine(twin)})`;
  }

  for (const st of sf.statements) {
    const targets = [];
    if (ts.isFunctionDeclaration(st) && st.name) targets.push([st.name.text, st, st.name.text]);
    else if (ts.isClassDeclaration(st) && st.name) {
      for (const m of st.members) {
        if (!ts.isMethodDeclaration(m) || !ts.isIdentifier(m.name)) continue;
        const isStatic = m.modifiers?.some((x) => x.kind === K.StaticKeyword) === true;
        targets.push([`${st.name.text}${isStatic ? '' : '.prototype'}.${m.name.text}`, m, `${st.name.text}$${isStatic ? 'static$' : ''}${m.name.text}`]);
      }
    }
    for (const [target, fn, base] of targets) {
      const kind = twinKind(fn);
      if (kind === null) continue;
      const t = twinOf(fn, kind, `${base}$dioResume`);
      if (t === null) continue;
      if (t.resume !== '') appended.push(t.resume);
      appended.push(`${target}.plainForm = ${t.twin};`);
    }
  }

  const body = children(sf, false);
  if (!changed && appended.length === 0) return null;
  const head = text.slice(0, sf.getStart(sf));
  const imports = `import { answer as __dioAnswer, noTwin as __dioNoTwin, Suspended as __dioSuspended, stepCall as __dioStep, trySpend as __dioSpend, withPlainForm as __dioWithPlainForm } from ${JSON.stringify(simModule)};`;
  return `${head}${body}\n// plain-first twins (scripts/plain-first.mjs)\n${imports}\nvar __dioT, __dioF;\n${appended.join('\n')}\n`;
}
