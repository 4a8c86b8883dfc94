/**
 * The Pulumi program: reads the stack's configuration (`Pulumi.<stack>.yaml`, namespace
 * `hl7gw`, secrets set with `pulumi config set --secret`) and builds the environment.
 */
import * as pulumi from '@pulumi/pulumi';
import * as authorization from '@pulumi/azure-native/authorization/index.js';

import { createGateway } from './gateway.js';
import { loadBusEntities } from './servicebus-entities.js';
import { parseSettings } from './settings.js';

const config = new pulumi.Config('hl7gw');
// Objects and lists arrive as JSON text; parseSettings reads both.
const settings = parseSettings((key) => config.get(key));
const client = authorization.getClientConfigOutput();

const outputs = createGateway({
  settings,
  entities: loadBusEntities(),
  secrets: {
    HL7GW_API_KEYS: config.requireSecret('apiKeyHashes'),
    HL7GW_WEBHOOK_SIGNING_SECRET: config.requireSecret('webhookSigningSecret'),
    HL7GW_SESSION_HASH_KEY: config.requireSecret('sessionHashKey'),
  },
  tenantId: client.tenantId,
  subscriptionId: client.subscriptionId,
});

/** The resource group of the stack. */
export const resourceGroupName = outputs.resourceGroupName;
/** `flex` or `premium`: how the deploy workflow ships code and rolls back. */
export const hosting = outputs.hosting;
/** The slot to deploy to and swap from on Premium; absent on Flex. */
export const stagingSlot = outputs.stagingSlot;
/** Function App names and host names, by app. */
export const apps = outputs.apps;
/** Names the runbooks use. */
export const storageAccountName = outputs.storageAccountName;
/** The Service Bus namespace name. */
export const serviceBusNamespace = outputs.serviceBusNamespace;
/** The Key Vault name. */
export const keyVaultName = outputs.keyVaultName;
/** The Log Analytics workspace resource id. */
export const logAnalyticsWorkspaceId = outputs.logAnalyticsWorkspaceId;
/** The Application Insights component name. */
export const appInsightsName = outputs.appInsightsName;
/** The API Management gateway address, when API Management is on. */
export const apiManagementGatewayUrl = outputs.apiManagementGatewayUrl;
/** Every role assignment: app, role, scope. */
export const roleAssignments = outputs.roleAssignments;
