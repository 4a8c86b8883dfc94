/**
 * Optional API Management in front of ingest (`apiManagement.enabled`): one API that
 * forwards to the ingest app, under a global rate limit over every caller together, on
 * top of the per-client limits ingest enforces itself.
 */
import * as pulumi from '@pulumi/pulumi';
import * as apimanagement from '@pulumi/azure-native/apimanagement/index.js';

import { diagnostics, type StackContext } from './context.js';

/**
 * The policy document: a global `rate-limit-by-key` keyed on a constant, so all callers
 * share one budget; `429` with `Retry-After` when it is spent.
 */
export function globalRateLimitPolicy(calls: number, periodSeconds: number): string {
  return [
    '<policies>',
    '  <inbound>',
    '    <base />',
    `    <rate-limit-by-key calls="${calls}" renewal-period="${periodSeconds}" counter-key="@(&quot;global&quot;)" retry-after-header-name="Retry-After" />`,
    '  </inbound>',
    '  <backend><base /></backend>',
    '  <outbound><base /></outbound>',
    '  <on-error><base /></on-error>',
    '</policies>',
  ].join('\n');
}

/** Creates the API Management service (before ingest, which lets only it in). */
export function createApiManagementService(ctx: StackContext): apimanagement.ApiManagementService {
  const config = ctx.settings.apiManagement;
  const service = new apimanagement.ApiManagementService(`${ctx.prefix}-apim`, {
    resourceGroupName: ctx.resourceGroupName,
    location: ctx.location,
    tags: ctx.tags,
    publisherEmail: config.publisherEmail,
    publisherName: config.publisherName,
    sku: { name: 'StandardV2', capacity: 1 },
    identity: { type: 'SystemAssigned' },
    customProperties: {
      // Old protocols and ciphers off, on both sides of the gateway.
      'Microsoft.WindowsAzure.ApiManagement.Gateway.Security.Protocols.Tls10': 'false',
      'Microsoft.WindowsAzure.ApiManagement.Gateway.Security.Protocols.Tls11': 'false',
      'Microsoft.WindowsAzure.ApiManagement.Gateway.Security.Backend.Protocols.Tls10': 'false',
      'Microsoft.WindowsAzure.ApiManagement.Gateway.Security.Backend.Protocols.Tls11': 'false',
      'Microsoft.WindowsAzure.ApiManagement.Gateway.Security.Backend.Protocols.Ssl30': 'false',
    },
  });
  diagnostics(ctx, `${ctx.prefix}-apim`, service.id, 'logs-and-metrics');
  return service;
}

/** The ingest API behind the service, with the global rate-limit policy. */
export function createIngestApi(
  ctx: StackContext,
  service: apimanagement.ApiManagementService,
  ingestHostName: pulumi.Input<string>,
) {
  const config = ctx.settings.apiManagement;
  const parent = { resourceGroupName: ctx.resourceGroupName, serviceName: service.name };
  const api = new apimanagement.Api(`${ctx.prefix}-ingest-api`, {
    ...parent,
    apiId: 'hl7-results',
    displayName: 'HL7 Results Gateway',
    path: 'hl7',
    protocols: ['https'],
    serviceUrl: pulumi.interpolate`https://${ingestHostName}/api`,
    // Callers authenticate to ingest itself (API key or Entra token); APIM adds no key.
    subscriptionRequired: false,
  });
  new apimanagement.ApiPolicy(`${ctx.prefix}-ingest-api-policy`, {
    ...parent,
    apiId: api.name,
    policyId: 'policy',
    format: 'xml',
    value: globalRateLimitPolicy(config.rateLimitCalls, config.rateLimitPeriodSeconds),
  });
  return api;
}
