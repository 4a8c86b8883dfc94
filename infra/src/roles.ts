/**
 * Built-in Azure role definitions the program assigns, and one way to assign them: to a
 * managed identity, at the narrowest scope that works (a queue, a container, a table, a
 * secret), never the subscription or the resource group.
 */
import * as pulumi from '@pulumi/pulumi';
import * as authorization from '@pulumi/azure-native/authorization/index.js';

/** Built-in role definition ids (the same in every Azure subscription). */
export const BUILT_IN_ROLES = {
  serviceBusDataSender: '69a216fc-b8fb-44d8-bc22-1f3c2cd27a39',
  serviceBusDataReceiver: '4f6d3b9b-027b-4f4c-9142-0e5a2a2247e0',
  storageBlobDataOwner: 'b7e6dc6d-f1e8-4753-8033-0f276bb0955b',
  storageBlobDataContributor: 'ba92f5b4-2d11-453d-a403-e96b0029c9fe',
  storageBlobDataReader: '2a2b9908-6ea1-4ae2-8e65-a410df84e7d1',
  storageTableDataContributor: '0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3',
  storageTableDataReader: '76199698-9eea-4c19-bc75-cec21354c6b6',
  keyVaultSecretsUser: '4633458b-17de-408a-b874-0445c86b69e6',
  monitoringMetricsPublisher: '3913510d-42f4-4e42-8a64-420c390055eb',
} as const;

/** One of `BUILT_IN_ROLES`. */
export type BuiltInRole = keyof typeof BUILT_IN_ROLES;

/** A role assignment as the program records it, for outputs and the README. */
export interface GrantRecord {
  app: string;
  role: BuiltInRole;
  /** What the scope is, in words: `queue hl7-inbound`, `container hl7gw-messages`. */
  scopeLabel: string;
}

/**
 * Assigns `role` to a service principal (a managed identity) at `scope`.
 * `subscriptionId` builds the full role definition id ARM requires.
 */
export function grant(
  name: string,
  args: {
    principalId: pulumi.Input<string>;
    role: BuiltInRole;
    scope: pulumi.Input<string>;
    subscriptionId: pulumi.Input<string>;
  },
  opts?: pulumi.CustomResourceOptions,
): authorization.RoleAssignment {
  return new authorization.RoleAssignment(
    name,
    {
      principalId: args.principalId,
      // ServicePrincipal avoids the replication race right after an identity is created.
      principalType: 'ServicePrincipal',
      roleDefinitionId: pulumi.interpolate`/subscriptions/${args.subscriptionId}/providers/Microsoft.Authorization/roleDefinitions/${BUILT_IN_ROLES[args.role]}`,
      scope: args.scope,
    },
    opts,
  );
}
