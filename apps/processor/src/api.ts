/**
 * The processor's HTTP surface: no route of its own (it works on the bus), but it serves
 * `GET /api/openapi.json` and `GET /api/docs` like every app, so each Function App
 * documents itself, and the local host merges the three documents.
 */
import {
  ApiSurface,
  createLogger,
  createRouteSecurity,
  parseConfig,
  type ApiInfo,
  type RouteSecurity,
} from '@hl7gw/platform';

/** The processor part of the API document. */
export const PROCESSOR_API: ApiInfo = {
  title: 'HL7 Results Gateway',
  version: '1.0.0',
  description:
    'The processor parses, validates, maps and delivers queued messages; it has no ' +
    'routes of its own beyond health and documentation.',
  tags: {
    Health: 'Liveness and readiness probes.',
    Documentation: 'This document and its interactive page.',
  },
};

let security: RouteSecurity | undefined;

/** The route pipeline's collaborators, built from the environment on first use. */
function processorSecurity(): RouteSecurity {
  if (security === undefined) {
    const config = parseConfig(process.env);
    const logger = createLogger({
      level: config.logLevel,
      service: 'processor',
      environment: config.environment,
    });
    security = createRouteSecurity(process.env, { logger });
  }
  return security;
}

/** The processor's routes, for `functions.ts` to publish (and other apps' health to join). */
export const processorApi = new ApiSurface({
  app: 'processor',
  info: PROCESSOR_API,
  security: processorSecurity,
});
