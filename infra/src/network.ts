/**
 * Optional private networking (`privateNetworking.enabled`): a virtual network with a
 * subnet the Function Apps integrate with and a subnet for private endpoints to Storage
 * (blob, table), Service Bus and Key Vault, each with its private DNS zone. With it on,
 * those services refuse public traffic.
 */
import * as pulumi from '@pulumi/pulumi';
import * as network from '@pulumi/azure-native/network/index.js';
import * as privatedns from '@pulumi/azure-native/privatedns/index.js';

import { diagnostics, type StackContext } from './context.js';

/** The virtual network and its two subnets. */
export interface Network {
  vnet: network.VirtualNetwork;
  appSubnetId: pulumi.Output<string>;
  endpointSubnetId: pulumi.Output<string>;
}

/** One service to reach privately: its resource id, sub-resource and DNS zone. */
export interface PrivateTarget {
  name: string;
  resourceId: pulumi.Input<string>;
  groupId: 'blob' | 'table' | 'namespace' | 'vault';
  zone: string;
}

/** Creates the virtual network: `/24` subnets carved from the stack's address space. */
export function createNetwork(ctx: StackContext): Network {
  const [base] = ctx.settings.privateNetworking.addressSpace.split('/');
  const octets = base!.split('.');
  const subnet = (third: number) => `${octets[0]}.${octets[1]}.${third}.0/24`;

  const vnet = new network.VirtualNetwork(`${ctx.prefix}-vnet`, {
    resourceGroupName: ctx.resourceGroupName,
    location: ctx.location,
    tags: ctx.tags,
    addressSpace: { addressPrefixes: [ctx.settings.privateNetworking.addressSpace] },
  });
  const apps = new network.Subnet(`${ctx.prefix}-apps-subnet`, {
    resourceGroupName: ctx.resourceGroupName,
    virtualNetworkName: vnet.name,
    subnetName: 'apps',
    addressPrefix: subnet(1),
    delegations: [{ name: 'web', serviceName: 'Microsoft.Web/serverFarms' }],
  });
  const endpoints = new network.Subnet(
    `${ctx.prefix}-endpoints-subnet`,
    {
      resourceGroupName: ctx.resourceGroupName,
      virtualNetworkName: vnet.name,
      subnetName: 'private-endpoints',
      addressPrefix: subnet(2),
      privateEndpointNetworkPolicies: 'Enabled',
    },
    // Two subnets of one network cannot be written at the same time.
    { dependsOn: [apps] },
  );
  diagnostics(ctx, `${ctx.prefix}-vnet`, vnet.id, 'logs-and-metrics');
  return { vnet, appSubnetId: apps.id, endpointSubnetId: endpoints.id };
}

/** A private endpoint, DNS zone, zone link and zone group for each target. */
export function createPrivateEndpoints(ctx: StackContext, net: Network, targets: PrivateTarget[]) {
  for (const target of targets) {
    const zone = new privatedns.PrivateZone(`${ctx.prefix}-${target.name}-zone`, {
      resourceGroupName: ctx.resourceGroupName,
      privateZoneName: target.zone,
      location: 'global',
      tags: ctx.tags,
    });
    new privatedns.VirtualNetworkLink(`${ctx.prefix}-${target.name}-zone-link`, {
      resourceGroupName: ctx.resourceGroupName,
      privateZoneName: zone.name,
      location: 'global',
      tags: ctx.tags,
      registrationEnabled: false,
      virtualNetwork: { id: net.vnet.id },
    });
    const endpoint = new network.PrivateEndpoint(`${ctx.prefix}-${target.name}-pe`, {
      resourceGroupName: ctx.resourceGroupName,
      location: ctx.location,
      tags: ctx.tags,
      subnet: { id: net.endpointSubnetId },
      privateLinkServiceConnections: [
        {
          name: target.name,
          privateLinkServiceId: target.resourceId,
          groupIds: [target.groupId],
        },
      ],
    });
    new network.PrivateDnsZoneGroup(`${ctx.prefix}-${target.name}-dns`, {
      resourceGroupName: ctx.resourceGroupName,
      privateEndpointName: endpoint.name,
      privateDnsZoneGroupName: 'default',
      privateDnsZoneConfigs: [{ name: target.name, privateDnsZoneId: zone.id }],
    });
  }
}
