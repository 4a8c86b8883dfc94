/**
 * The EHR simulator: a FHIR R4 endpoint that takes transaction Bundles at `POST /fhir`,
 * checks their shape (a Bundle of type `transaction`, every entry with a resource and a
 * `request` of method and url), stores what it accepts, and answers a
 * `transaction-response`. A Bundle that breaks the shape gets `400` with an
 * `OperationOutcome`. Failures (scripted or random) answer `503` with an `OperationOutcome`
 * of code `transient`; an outage can instead reset connections.
 */
import { Behaviour } from './behaviour.js';
import { startHttpSim, type HttpSim, type ListenOptions, type SimResponse } from './http-server.js';

/** One transaction the EHR accepted. */
export interface StoredTransaction {
  /** When it arrived (epoch ms). */
  atMs: number;
  /** The `Idempotency-Key` header (the gateway id), when sent. */
  idempotencyKey?: string;
  /** The Bundle as received. */
  bundle: { resourceType: 'Bundle'; type: 'transaction'; entry: BundleEntry[] };
}

interface BundleEntry {
  fullUrl?: string;
  resource: { resourceType: string };
  request: { method: string; url: string };
}

/** A request the EHR refused, with why. */
export interface RefusedRequest {
  atMs: number;
  status: number;
  /** The OperationOutcome issue code. */
  code: string;
  idempotencyKey?: string;
}

/** Options of the EHR simulator. */
export interface EhrOptions extends ListenOptions {
  /** How an outage fails requests: `503` answers (the default) or reset connections. */
  outageMode?: 'status' | 'reset';
  /** A number in [0, 1) for the failure rate; `Math.random` by default. */
  random?: () => number;
}

/** A running EHR simulator. */
export interface EhrSimulator extends HttpSim {
  /** The FHIR base URL to configure as a destination: `<origin>/fhir`. */
  url: string;
  /** Scripts delays, failures, outages and forced answers. */
  behaviour: Behaviour<SimResponse>;
  /** Every transaction accepted, in arrival order. */
  stored: StoredTransaction[];
  /** Every request refused or failed on purpose. */
  refused: RefusedRequest[];
  /** How many accepted transactions carried each idempotency key. */
  acceptedByKey(): Map<string, number>;
}

const METHODS = new Set(['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD']);

/** Starts the EHR simulator. */
export async function startEhrSimulator(options: EhrOptions = {}): Promise<EhrSimulator> {
  const behaviour = new Behaviour<SimResponse>(options.random);
  const stored: StoredTransaction[] = [];
  const refused: RefusedRequest[] = [];

  const sim = await startHttpSim(
    options,
    behaviour,
    async (request) => {
      const key = header(request.headers['idempotency-key']);
      const refuse = (status: number, code: string): SimResponse => {
        refused.push({ atMs: Date.now(), status, code, ...(key ? { idempotencyKey: key } : {}) });
        return { status, body: outcome(code), contentType: 'application/fhir+json' };
      };

      if (request.method !== 'POST' || request.path.replace(/\/$/, '') !== '/fhir') {
        return refuse(404, 'not-found');
      }
      await behaviour.delay();
      const decision = behaviour.decide();
      if (decision.kind === 'forced') return decision.response;
      if (decision.kind === 'fail') {
        if (decision.reason === 'outage' && options.outageMode === 'reset') {
          refused.push({ atMs: Date.now(), status: 0, code: 'reset' });
          return 'reset';
        }
        return refuse(503, 'transient');
      }

      const problem = checkTransaction(request.body);
      if (problem !== undefined) return refuse(400, problem);
      const bundle = JSON.parse(request.body) as StoredTransaction['bundle'];
      stored.push({ atMs: Date.now(), bundle, ...(key ? { idempotencyKey: key } : {}) });
      return {
        status: 200,
        contentType: 'application/fhir+json',
        body: {
          resourceType: 'Bundle',
          type: 'transaction-response',
          entry: bundle.entry.map(() => ({ response: { status: '200 OK' } })),
        },
      };
    },
    {
      get: () => ({ stored, refused }),
      clear: () => {
        stored.length = 0;
        refused.length = 0;
      },
    },
  );

  return {
    ...sim,
    url: `${sim.origin}/fhir`,
    behaviour,
    stored,
    refused,
    acceptedByKey() {
      const counts = new Map<string, number>();
      for (const { idempotencyKey } of stored) {
        if (idempotencyKey) counts.set(idempotencyKey, (counts.get(idempotencyKey) ?? 0) + 1);
      }
      return counts;
    },
  };
}

/**
 * The OperationOutcome issue code for a body that is not a transaction Bundle, or undefined
 * when it is one: `structure` (not JSON or not a Bundle), `invalid` (not a transaction, no
 * entries), `required` (an entry without a resource or a request method and url).
 */
export function checkTransaction(body: string): string | undefined {
  let value: unknown;
  try {
    value = JSON.parse(body);
  } catch {
    return 'structure';
  }
  const bundle = value as { resourceType?: unknown; type?: unknown; entry?: unknown };
  if (bundle?.resourceType !== 'Bundle') return 'structure';
  if (bundle.type !== 'transaction') return 'invalid';
  if (!Array.isArray(bundle.entry) || bundle.entry.length === 0) return 'invalid';
  for (const entry of bundle.entry as Partial<BundleEntry>[]) {
    if (typeof entry?.resource?.resourceType !== 'string') return 'required';
    const { method, url } = entry.request ?? {};
    if (typeof method !== 'string' || !METHODS.has(method) || typeof url !== 'string') {
      return 'required';
    }
  }
  return undefined;
}

function outcome(code: string) {
  return {
    resourceType: 'OperationOutcome',
    issue: [{ severity: code === 'transient' ? 'error' : 'fatal', code }],
  };
}

function header(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}
