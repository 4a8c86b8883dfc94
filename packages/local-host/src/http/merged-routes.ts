/**
 * Routes several apps serve alike. In Azure each app is a Function App of its own, with
 * its own `/api/openapi.json` and `/api/health`; on one machine the three apps share one
 * port, so the host calls every app's function for such a route and combines the answers:
 * OpenAPI documents merged into one, health answers reduced to the worst, identical
 * static answers (the docs page, the CORS preflight) taken from the first app.
 *
 * A route template claimed twice without a rule here is still a registration error.
 */

/** One function's answer to a merged route. */
export interface MergeAnswer {
  /** The function that answered. */
  source: string;
  /** Its HTTP status. */
  status: number;
  /** Its headers, lower-case names. */
  headers: Record<string, string>;
  /** Its body. */
  body: Buffer;
}

/** Combines the answers of every function serving a merged route into one. */
export type MergeRule = (answers: MergeAnswer[]) => MergeAnswer;

/** The first answer, for routes whose answers are the same in every app. */
export const firstAnswer: MergeRule = (answers) => answers[0] as MergeAnswer;

/**
 * One OpenAPI document from several: paths, operations, components and tags united (the
 * first app's wins when two define the same thing), `info` and `servers` from the first.
 */
export const mergeOpenApi: MergeRule = (answers) => {
  const documents = answers
    .filter((answer) => answer.status === 200)
    .map((answer) => parseJson(answer.body))
    .filter(isObject);
  if (documents.length === 0) return firstAnswer(answers);

  const [first] = documents as [Record<string, unknown>];
  const paths: Record<string, Record<string, unknown>> = {};
  const components: Record<string, Record<string, unknown>> = {};
  const tags = new Map<string, unknown>();
  for (const document of documents) {
    for (const [path, item] of Object.entries(objectAt(document, 'paths'))) {
      paths[path] = fillIn(paths[path] ?? {}, isObject(item) ? item : {});
    }
    for (const [section, entries] of Object.entries(objectAt(document, 'components'))) {
      components[section] = fillIn(components[section] ?? {}, isObject(entries) ? entries : {});
    }
    for (const tag of Array.isArray(document.tags) ? document.tags : []) {
      const name = isObject(tag) ? tag.name : undefined;
      if (typeof name === 'string' && !tags.has(name)) tags.set(name, tag);
    }
  }

  const merged = {
    ...first,
    tags: [...tags.keys()].sort().map((name) => tags.get(name)),
    paths: Object.fromEntries(Object.entries(paths).sort(([a], [b]) => a.localeCompare(b))),
    components,
  };
  return jsonAnswer(answers[0] as MergeAnswer, 200, merged);
};

/**
 * One health answer from several: the worst status (a `503` from any app makes the
 * whole `503`), with every app's own answer under `apps`, by function name.
 */
export const mergeHealth: MergeRule = (answers) => {
  const worst = answers.reduce((a, b) => (b.status > a.status ? b : a));
  const bodies = answers.map((answer) => parseJson(answer.body));
  const worstBody = parseJson(worst.body);
  const status =
    isObject(worstBody) && typeof worstBody.status === 'string' ? worstBody.status : undefined;
  return jsonAnswer(worst, worst.status, {
    ...(status === undefined ? {} : { status }),
    apps: Object.fromEntries(
      answers.map((answer, index) => [answer.source, bodies[index] ?? null]),
    ),
  });
};

/** The route templates merged by default, and how. */
export const DEFAULT_MERGED_ROUTES: Readonly<Record<string, MergeRule>> = {
  'openapi.json': mergeOpenApi,
  health: mergeHealth,
  'health/ready': mergeHealth,
  docs: firstAnswer,
  'docs/{file}': firstAnswer,
  '{*path}': firstAnswer,
};

/** `target` with the members of `more` it lacks added: what is there first stays. */
function fillIn(
  target: Record<string, unknown>,
  more: Record<string, unknown>,
): Record<string, unknown> {
  for (const [key, value] of Object.entries(more))
    if (!Object.hasOwn(target, key)) target[key] = value;
  return target;
}

function jsonAnswer(like: MergeAnswer, status: number, value: unknown): MergeAnswer {
  const headers: Record<string, string> = { ...like.headers, 'content-type': 'application/json' };
  delete headers['content-length'];
  return { source: like.source, status, headers, body: Buffer.from(JSON.stringify(value), 'utf8') };
}

function parseJson(body: Buffer): unknown {
  try {
    return JSON.parse(body.toString('utf8'));
  } catch {
    return undefined;
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function objectAt(value: Record<string, unknown>, key: string): Record<string, unknown> {
  const found = value[key];
  return isObject(found) ? found : {};
}
