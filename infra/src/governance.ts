/**
 * Optional governance: Microsoft Defender for Cloud plans (App Service, Storage, Key Vault)
 * for the subscription, and the built-in HIPAA/HITRUST Azure Policy initiative assigned to
 * the stack's resource group (audit only: it reports, it does not block).
 */
import * as pulumi from '@pulumi/pulumi';
import * as authorization from '@pulumi/azure-native/authorization/index.js';
import * as security from '@pulumi/azure-native/security/index.js';

import type { StackContext } from './context.js';

/** The built-in "HITRUST/HIPAA" regulatory compliance initiative. */
export const HIPAA_HITRUST_INITIATIVE_ID =
  '/providers/Microsoft.Authorization/policySetDefinitions/a169a624-5599-4385-a696-c8d643089fab';

/** The Defender plans the gateway's resources fall under. */
export const DEFENDER_PLANS = ['AppServices', 'StorageAccounts', 'KeyVaults'] as const;

/** Enables the Defender plans on the subscription. */
export function enableDefender(ctx: StackContext, subscriptionId: pulumi.Input<string>) {
  return DEFENDER_PLANS.map(
    (plan) =>
      new security.Pricing(`${ctx.prefix}-defender-${plan}`, {
        pricingName: plan,
        pricingTier: 'Standard',
        scopeId: pulumi.interpolate`/subscriptions/${subscriptionId}`,
        ...(plan === 'StorageAccounts' ? { subPlan: 'DefenderForStorageV2' } : {}),
      }),
  );
}

/** Assigns the HIPAA/HITRUST initiative to the resource group. */
export function assignHipaaPolicy(ctx: StackContext, resourceGroupId: pulumi.Input<string>) {
  return new authorization.PolicyAssignment(`${ctx.prefix}-hipaa-hitrust`, {
    policyAssignmentName: `${ctx.prefix}-hipaa-hitrust`,
    displayName: `HIPAA/HITRUST (${ctx.settings.environment})`,
    policyDefinitionId: HIPAA_HITRUST_INITIATIVE_ID,
    scope: resourceGroupId,
    enforcementMode: 'Default',
    location: ctx.location,
    // Some of the initiative's policies deploy settings; they need an identity to do it.
    identity: { type: 'SystemAssigned' },
  });
}
