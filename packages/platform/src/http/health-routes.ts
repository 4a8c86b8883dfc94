/**
 * The declarations of the health probes every app serves, `GET /api/health` (alive) and
 * `GET /api/health/ready` (dependencies answer), so each app documents them alike and the
 * local host can merge them by route.
 */
import type { RouteDeclaration } from './route.js';

const HEALTH_SCHEMA = {
  type: 'object',
  required: ['status'],
  properties: { status: { type: 'string' } },
};

/** The two probe declarations of the app called `app` (`ingest`: `ingestHealth`, ...). */
export function healthRoutes(app: string): { alive: RouteDeclaration; ready: RouteDeclaration } {
  const json = { 'application/json': { schema: HEALTH_SCHEMA } };
  return {
    alive: {
      name: `${app}Health`,
      method: 'GET',
      route: 'health',
      roles: 'anonymous',
      summary: 'Liveness: the process answers',
      tags: ['Health'],
      responses: { 200: { description: 'Alive.', content: json } },
    },
    ready: {
      name: `${app}HealthReady`,
      method: 'GET',
      route: 'health/ready',
      roles: 'anonymous',
      summary: 'Readiness: the dependencies answer',
      tags: ['Health'],
      responses: {
        200: { description: 'Ready.', content: json },
        503: { description: 'A dependency is down.', content: json },
      },
    },
  };
}
