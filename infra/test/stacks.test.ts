/**
 * What a reviewer checks in the environment, for each stack file in the repository:
 * transport security, identities, secrets, role scopes, tags, diagnostics, redundancy.
 */
import { beforeAll, describe, expect, it } from 'vitest';

import { runStack, stackSettings, type Captured, type StackRun } from './harness.js';

const WEB_APP = 'azure-native:web:WebApp';
const WEB_SLOT = 'azure-native:web:WebAppSlot';
const ROLE = 'azure-native:authorization:RoleAssignment';

// Child resources ARM gives no tags of their own; every other type must carry the tags.
const UNTAGGED_TYPES = new Set([
  'azure-native:storage:BlobServiceProperties',
  'azure-native:storage:BlobContainer',
  'azure-native:storage:BlobContainerImmutabilityPolicy',
  'azure-native:storage:Table',
  'azure-native:storage:ManagementPolicy',
  'azure-native:servicebus:Queue',
  'azure-native:servicebus:Topic',
  'azure-native:servicebus:Subscription',
  'azure-native:servicebus:Rule',
  'azure-native:monitor:DiagnosticSetting',
  'azure-native:authorization:RoleAssignment',
  'azure-native:authorization:PolicyAssignment',
  'azure-native:security:Pricing',
  'azure-native:consumption:Budget',
  'azure-native:web:WebAppFtpAllowed',
  'azure-native:web:WebAppScmAllowed',
  'azure-native:web:WebAppFtpAllowedSlot',
  'azure-native:web:WebAppScmAllowedSlot',
  'azure-native:network:Subnet',
  'azure-native:network:PrivateDnsZoneGroup',
  'azure-native:apimanagement:Api',
  'azure-native:apimanagement:ApiPolicy',
]);

// Resources with logs or metrics of their own that must reach the workspace.
const DIAGNOSED_TYPES = [
  'azure-native:operationalinsights:Workspace',
  'azure-native:applicationinsights:Component',
  'azure-native:storage:StorageAccount',
  'azure-native:servicebus:Namespace',
  'azure-native:keyvault:Vault',
  'azure-native:web:AppServicePlan',
  WEB_APP,
  WEB_SLOT,
  'azure-native:network:VirtualNetwork',
  'azure-native:apimanagement:ApiManagementService',
];

// A connection string or URL that carries a credential.
const KEY_MATERIAL =
  /AccountKey=|SharedAccessKey|SharedAccessSignature|[?&]sig=|Password=|ClientSecret/i;

function appSettings(site: Captured): Record<string, unknown> {
  const config = site.inputs.siteConfig as { appSettings: { name: string; value: unknown }[] };
  return Object.fromEntries(config.appSettings.map(({ name, value }) => [name, value]));
}

describe.each(['dev', 'staging', 'prod'])('stack %s', (stack) => {
  let run: StackRun;
  let sites: Captured[];

  beforeAll(async () => {
    run = await runStack(stackSettings(stack));
    sites = [...run.ofType(WEB_APP), ...run.ofType(WEB_SLOT)];
  });

  it('creates the three Function Apps, with a staging slot each on Premium', () => {
    expect(run.ofType(WEB_APP)).toHaveLength(3);
    expect(run.ofType(WEB_SLOT)).toHaveLength(run.settings.hosting === 'premium' ? 3 : 0);
  });

  it('serves HTTPS only, TLS 1.3 minimum, FTP and basic-auth publishing off', () => {
    for (const site of sites) {
      const config = site.inputs.siteConfig as Record<string, unknown>;
      expect(site.inputs.httpsOnly, site.name).toBe(true);
      expect(config.minTlsVersion, site.name).toBe('1.3');
      expect(['1.2', '1.3']).toContain(config.scmMinTlsVersion);
      expect(config.ftpsState, site.name).toBe('Disabled');
      expect(site.inputs.identity).toEqual({ type: 'SystemAssigned' });
    }
    const siteNames = sites.map((site) => site.name);
    const ftpOff = [
      ...run.ofType('azure-native:web:WebAppFtpAllowed'),
      ...run.ofType('azure-native:web:WebAppFtpAllowedSlot'),
    ];
    const scmOff = [
      ...run.ofType('azure-native:web:WebAppScmAllowed'),
      ...run.ofType('azure-native:web:WebAppScmAllowedSlot'),
    ];
    expect(ftpOff.every((policy) => policy.inputs.allow === false)).toBe(true);
    expect(scmOff.every((policy) => policy.inputs.allow === false)).toBe(true);
    expect(ftpOff).toHaveLength(siteNames.length);
    expect(scmOff).toHaveLength(siteNames.length);
  });

  it('runs Node 22 on Linux', () => {
    for (const site of run.ofType(WEB_APP)) {
      expect(site.inputs.kind).toBe('functionapp,linux');
      if (run.settings.hosting === 'flex') {
        const flex = site.inputs.functionAppConfig as { runtime: unknown };
        expect(flex.runtime).toEqual({ name: 'node', version: '22' });
      } else {
        expect((site.inputs.siteConfig as { linuxFxVersion: string }).linuxFxVersion).toBe(
          'Node|22',
        );
      }
    }
  });

  it('connects by identity: no app setting carries a key, secrets are Key Vault references', () => {
    for (const site of sites) {
      const settings = appSettings(site);
      for (const [name, value] of Object.entries(settings)) {
        expect(String(value), `${site.name} ${name}`).not.toMatch(KEY_MATERIAL);
      }
      expect(settings).not.toHaveProperty('AzureWebJobsStorage');
      expect(settings).not.toHaveProperty('ServiceBusConnection');
      expect(settings.AzureWebJobsStorage__accountName).toEqual(expect.any(String));
      expect(settings.ServiceBusConnection__fullyQualifiedNamespace).toMatch(
        /\.servicebus\.windows\.net$/,
      );
      expect(settings.APPLICATIONINSIGHTS_AUTHENTICATION_STRING).toBe('Authorization=AAD');
      for (const name of [
        'HL7GW_API_KEYS',
        'HL7GW_WEBHOOK_SIGNING_SECRET',
        'HL7GW_SESSION_HASH_KEY',
      ]) {
        if (name in settings) {
          expect(settings[name]).toMatch(
            /^@Microsoft\.KeyVault\(SecretUri=https:\/\/[^)]+\/secrets\/[a-z-]+\)$/,
          );
        }
      }
    }
  });

  it('keeps Application Insights local auth off, so its connection string is no credential', () => {
    const [component] = run.ofType('azure-native:applicationinsights:Component');
    expect(component!.inputs.disableLocalAuth).toBe(true);
    expect(component!.inputs.ingestionMode).toBe('LogAnalytics');
    expect(component!.inputs.workspaceResourceId).toBe(
      run.ofType('azure-native:operationalinsights:Workspace')[0]!.id,
    );
    expect(component!.inputs.retentionInDays).toBe(run.settings.logRetentionDays);
    expect(
      run.ofType('azure-native:operationalinsights:Workspace')[0]!.inputs.retentionInDays,
    ).toBe(run.settings.logRetentionDays);
  });

  it('locks storage down: TLS 1.2, no public blobs, no shared keys, infrastructure encryption', () => {
    const [account] = run.ofType('azure-native:storage:StorageAccount');
    expect(account!.inputs).toMatchObject({
      kind: 'StorageV2',
      minimumTlsVersion: 'TLS1_2',
      allowBlobPublicAccess: false,
      allowSharedKeyAccess: false,
      enableHttpsTrafficOnly: true,
      encryption: { requireInfrastructureEncryption: true },
    });
  });

  it('keeps the audit container immutable for the configured time, appends allowed', () => {
    const [policy] = run.ofType('azure-native:storage:BlobContainerImmutabilityPolicy');
    expect(policy!.inputs).toMatchObject({
      containerName: 'hl7gw-audit',
      immutabilityPeriodSinceCreationInDays: run.settings.auditRetentionDays,
      allowProtectedAppendWrites: true,
    });
    // The apps that write the audit log write it into that very container.
    for (const site of run.ofType(WEB_APP).filter((s) => !s.name.endsWith('-processor'))) {
      expect(appSettings(site).HL7GW_AUDIT_CONTAINER, site.name).toBe(policy!.inputs.containerName);
    }
  });

  it('purges raw, claim and parked content after the configured days', () => {
    const [policy] = run.ofType('azure-native:storage:ManagementPolicy');
    const rules = (
      policy!.inputs.policy as {
        rules: {
          definition: {
            filters: { prefixMatch: string[] };
            actions: { baseBlob: { delete: { daysAfterModificationGreaterThan: number } } };
          };
        }[];
      }
    ).rules;
    const deleteAfter = (prefix: string) =>
      rules.find((rule) => rule.definition.filters.prefixMatch.includes(`hl7gw-messages/${prefix}`))
        ?.definition.actions.baseBlob.delete.daysAfterModificationGreaterThan;
    expect(deleteAfter('raw/')).toBe(run.settings.rawRetentionDays);
    expect(deleteAfter('claims/')).toBe(run.settings.claimRetentionDays);
    expect(deleteAfter('parked/')).toBe(run.settings.parkedRetentionDays);
  });

  it('keeps Key Vault in RBAC mode with purge protection and soft delete', () => {
    const [vault] = run.ofType('azure-native:keyvault:Vault');
    expect(vault!.inputs.properties).toMatchObject({
      enableRbacAuthorization: true,
      enablePurgeProtection: true,
      enableSoftDelete: true,
    });
    const secrets = run
      .ofType('azure-native:keyvault:Secret')
      .map((secret) => secret.inputs.secretName);
    expect(secrets.sort()).toEqual([
      'api-key-hashes',
      'session-hash-key',
      'webhook-signing-secret',
    ]);
  });

  it('turns Service Bus local (SAS key) authentication off and requires TLS 1.2', () => {
    const [namespace] = run.ofType('azure-native:servicebus:Namespace');
    expect(namespace!.inputs.disableLocalAuth).toBe(true);
    expect(namespace!.inputs.minimumTlsVersion).toBe('1.2');
  });

  it('tags every taggable resource with environment, owner, cost centre and PHI', () => {
    const taggable = run.resources.filter((resource) => !UNTAGGED_TYPES.has(resource.type));
    expect(taggable.length).toBeGreaterThan(10);
    for (const resource of taggable) {
      expect(resource.inputs.tags, `${resource.type} ${resource.name}`).toMatchObject({
        environment: stack,
        owner: expect.any(String),
        costCentre: expect.any(String),
        dataClassification: 'PHI',
      });
    }
  });

  it('sends every resource with logs or metrics to the workspace', () => {
    const workspaceId = run.ofType('azure-native:operationalinsights:Workspace')[0]!.id;
    const diagnosed = run.ofType('azure-native:monitor:DiagnosticSetting');
    expect(diagnosed.every((setting) => setting.inputs.workspaceId === workspaceId)).toBe(true);
    const covered = new Set(diagnosed.map((setting) => setting.inputs.resourceUri));
    for (const resource of run.resources.filter((r) => DIAGNOSED_TYPES.includes(r.type))) {
      expect(covered.has(resource.id), `${resource.type} ${resource.name}`).toBe(true);
    }
  });

  describe('role assignments', () => {
    const ENTITY_TYPES = new Set([
      'azure-native:servicebus:Queue',
      'azure-native:servicebus:Topic',
      'azure-native:servicebus:Subscription',
      'azure-native:storage:BlobContainer',
      'azure-native:storage:Table',
      'azure-native:keyvault:Secret',
      'azure-native:applicationinsights:Component',
    ]);

    function grantsOf(principalSuffix: string) {
      return run
        .ofType(ROLE)
        .filter((role) => role.inputs.principalId === `principal-hl7gw-${stack}-${principalSuffix}`)
        .map((role) => {
          const target = run.byId(role.inputs.scope as string)!;
          const roleId = String(role.inputs.roleDefinitionId).split('/').pop();
          return { roleId, type: target.type.split(':')[2], name: target.name, target };
        });
    }

    it('scopes every role to one entity, never a namespace, account, vault or group', () => {
      const roles = run.ofType(ROLE);
      expect(roles.length).toBeGreaterThan(0);
      for (const role of roles) {
        const target = run.byId(role.inputs.scope as string);
        expect(target, String(role.inputs.scope)).toBeDefined();
        expect(ENTITY_TYPES.has(target!.type), `${role.name} on ${target!.type}`).toBe(true);
        expect(role.inputs.principalType).toBe('ServicePrincipal');
        expect(sites.map((site) => `principal-${site.name}`)).toContain(role.inputs.principalId);
      }
    });

    it('lets each app use the bus only as its part of the pipeline', () => {
      const SENDER = '69a216fc-b8fb-44d8-bc22-1f3c2cd27a39';
      const RECEIVER = '4f6d3b9b-027b-4f4c-9142-0e5a2a2247e0';
      const bus = (suffix: string) =>
        grantsOf(suffix)
          .filter((grant) => grant.target.type.startsWith('azure-native:servicebus:'))
          .map(
            (grant) =>
              `${grant.roleId === SENDER ? 'send' : grant.roleId === RECEIVER ? 'receive' : grant.roleId} ${grant.target.inputs.queueName ?? grant.target.inputs.subscriptionName ?? grant.target.inputs.topicName}`,
          )
          .sort();
      const slots = run.settings.hosting === 'premium' ? ['', '-staging'] : [''];
      for (const slot of slots) {
        expect(bus(`ingest${slot}`)).toEqual(['send hl7-inbound']);
        expect(bus(`processor${slot}`)).toEqual(['receive hl7-inbound', 'send hl7-results']);
        expect(bus(`deadletter${slot}`)).toEqual([
          'receive abnormal',
          'receive hl7-inbound',
          'receive integrators',
          'send hl7-inbound',
        ]);
      }
    });

    it('gives each app Key Vault Secrets User on the secrets it reads and no other', () => {
      const SECRETS_USER = '4633458b-17de-408a-b874-0445c86b69e6';
      const secretsOf = (suffix: string) =>
        grantsOf(suffix)
          .filter((grant) => grant.type === 'Secret')
          .map((grant) => {
            expect(grant.roleId).toBe(SECRETS_USER);
            return grant.target.inputs.secretName;
          })
          .sort();
      expect(secretsOf('ingest')).toEqual(['api-key-hashes', 'session-hash-key']);
      expect(secretsOf('processor')).toEqual(['webhook-signing-secret']);
      expect(secretsOf('deadletter')).toEqual(['api-key-hashes', 'session-hash-key']);
      // Each app's settings reference only secrets it can read.
      for (const site of run.ofType(WEB_APP)) {
        const app = site.name.replace(`hl7gw-${stack}-`, '');
        const referenced = Object.values(appSettings(site))
          .map((value) => /\/secrets\/([a-z-]+)\)$/.exec(String(value))?.[1])
          .filter(Boolean)
          .sort();
        expect(referenced).toEqual(secretsOf(app));
      }
    });

    it('gives the processor read-only access to message content', () => {
      const READER = '2a2b9908-6ea1-4ae2-8e65-a410df84e7d1';
      const messages = grantsOf('processor').filter(
        (grant) => grant.target.inputs.containerName === 'hl7gw-messages',
      );
      expect(messages.map((grant) => grant.roleId)).toEqual([READER]);
      const tables = grantsOf('processor').filter((grant) => grant.type === 'Table');
      expect(tables.map((grant) => grant.target.inputs.tableName)).toEqual(['hl7gwStatus']);
    });
  });
});
