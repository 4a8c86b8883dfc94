import { describe, expect, it } from 'vitest';

import {
  loadConfig,
  parseConfig,
  SERVICE_BUS_DEFAULTS,
  UNLIMITED_TIME_TO_LIVE_MS,
} from './config.js';

/** The emulator's own sample, as Microsoft ships it, plus the rule shapes its schema allows. */
const EMULATOR_SAMPLE = `{
  "UserConfig": {
    "Namespaces": [
      {
        "Name": "sbemulatorns",
        "Queues": [
          {
            "Name": "queue.1",
            "Properties": {
              "DeadLetteringOnMessageExpiration": false,
              "DefaultMessageTimeToLive": "PT1H",
              "DuplicateDetectionHistoryTimeWindow": "PT20S",
              "ForwardDeadLetteredMessagesTo": "",
              "ForwardTo": "",
              "LockDuration": "PT1M",
              "MaxDeliveryCount": 3,
              "RequiresDuplicateDetection": false,
              "RequiresSession": false
            }
          }
        ],
        "Topics": [
          {
            "Name": "topic.1",
            "Properties": {
              "DefaultMessageTimeToLive": "PT1H",
              "DuplicateDetectionHistoryTimeWindow": "PT20S",
              "RequiresDuplicateDetection": false
            },
            "Subscriptions": [
              {
                "Name": "subscription.1",
                "Properties": {
                  "DeadLetteringOnMessageExpiration": false,
                  "DefaultMessageTimeToLive": "PT1H",
                  "LockDuration": "PT1M",
                  "MaxDeliveryCount": 3,
                  "ForwardDeadLetteredMessagesTo": "",
                  "ForwardTo": "",
                  "RequiresSession": false
                },
                "Rules": [
                  {
                    "Name": "app-prop-filter-1",
                    "Properties": {
                      "FilterType": "Correlation",
                      "CorrelationFilter": {
                        "ContentType": "application/text",
                        "CorrelationId": "id1",
                        "Label": "subject1",
                        "MessageId": "msgid1",
                        "ReplyTo": "someQueue",
                        "ReplyToSessionId": "sessionId",
                        "SessionId": "session1",
                        "To": "xyz",
                        "Properties": { "prop1": "value1" }
                      }
                    }
                  }
                ]
              },
              {
                "Name": "subscription.2",
                "Properties": {
                  "DeadLetteringOnMessageExpiration": true,
                  "DefaultMessageTimeToLive": "PT5M",
                  "LockDuration": "PT30S",
                  "MaxDeliveryCount": 5,
                  "ForwardDeadLetteredMessagesTo": "queue.1",
                  "ForwardTo": "",
                  "RequiresSession": true
                },
                "Rules": [
                  {
                    "Name": "sql-filter-1",
                    "Properties": {
                      "FilterType": "Sql",
                      "SqlFilter": { "SqlExpression": "sys.MessageId = '123456' AND userProp1 = 'value1'" },
                      "Action": { "SqlExpression": "" }
                    }
                  }
                ]
              }
            ]
          }
        ]
      }
    ],
    "Logging": { "Type": "File" }
  }
}`;

describe('loadConfig', () => {
  it("reads Microsoft's sample file", () => {
    const config = loadConfig(EMULATOR_SAMPLE);

    expect(config.queues).toEqual([
      {
        name: 'queue.1',
        properties: {
          lockDurationMs: 60_000,
          maxDeliveryCount: 3,
          defaultMessageTimeToLiveMs: 3_600_000,
          deadLetteringOnMessageExpiration: false,
          requiresDuplicateDetection: false,
          duplicateDetectionHistoryTimeWindowMs: 20_000,
          requiresSession: false,
        },
      },
    ]);
    expect(config.topics).toEqual([
      {
        name: 'topic.1',
        properties: {
          defaultMessageTimeToLiveMs: 3_600_000,
          requiresDuplicateDetection: false,
          duplicateDetectionHistoryTimeWindowMs: 20_000,
        },
        subscriptions: [
          {
            name: 'subscription.1',
            properties: {
              lockDurationMs: 60_000,
              maxDeliveryCount: 3,
              defaultMessageTimeToLiveMs: 3_600_000,
              deadLetteringOnMessageExpiration: false,
              requiresDuplicateDetection: false,
              duplicateDetectionHistoryTimeWindowMs: 600_000,
              requiresSession: false,
            },
            rules: [
              {
                name: 'app-prop-filter-1',
                filter: {
                  type: 'correlation',
                  contentType: 'application/text',
                  correlationId: 'id1',
                  subject: 'subject1',
                  messageId: 'msgid1',
                  replyTo: 'someQueue',
                  replyToSessionId: 'sessionId',
                  sessionId: 'session1',
                  to: 'xyz',
                  applicationProperties: { prop1: 'value1' },
                },
              },
            ],
          },
          {
            name: 'subscription.2',
            properties: {
              lockDurationMs: 30_000,
              maxDeliveryCount: 5,
              defaultMessageTimeToLiveMs: 300_000,
              deadLetteringOnMessageExpiration: true,
              requiresDuplicateDetection: false,
              duplicateDetectionHistoryTimeWindowMs: 600_000,
              requiresSession: true,
              forwardDeadLetteredMessagesTo: 'queue.1',
            },
            rules: [
              {
                name: 'sql-filter-1',
                filter: {
                  type: 'sql',
                  sqlExpression: "sys.MessageId = '123456' AND userProp1 = 'value1'",
                },
              },
            ],
          },
        ],
      },
    ]);
    expect(config.warnings).toEqual([]);
  });

  it("gives Service Bus's defaults to settings left out", () => {
    const config = loadConfig(`{
      "UserConfig": {
        "Namespaces": [
          {
            "Name": "sbemulatorns",
            "Queues": [
              { "Name": "hl7-inbound" },
              { "Name": "short-lock", "Properties": { "LockDuration": "PT2S" } }
            ],
            "Topics": [{ "Name": "hl7-results", "Subscriptions": [{ "Name": "all" }] }]
          }
        ]
      }
    }`);

    expect(config.queues[0]?.properties).toEqual(SERVICE_BUS_DEFAULTS);
    expect(config.queues[1]?.properties).toEqual({
      ...SERVICE_BUS_DEFAULTS,
      lockDurationMs: 2_000,
    });
    expect(config.topics[0]).toEqual({
      name: 'hl7-results',
      properties: {
        defaultMessageTimeToLiveMs: UNLIMITED_TIME_TO_LIVE_MS,
        requiresDuplicateDetection: false,
        duplicateDetectionHistoryTimeWindowMs: 600_000,
      },
      subscriptions: [{ name: 'all', properties: SERVICE_BUS_DEFAULTS, rules: [] }],
    });
    expect(SERVICE_BUS_DEFAULTS).toMatchObject({ lockDurationMs: 60_000, maxDeliveryCount: 10 });
  });

  it('merges several namespaces into one', () => {
    const config = parseConfig({
      UserConfig: {
        Namespaces: [
          { Name: 'first', Queues: [{ Name: 'a' }], Topics: [] },
          { Name: 'second', Queues: [{ Name: 'b' }], Topics: [{ Name: 't' }] },
        ],
      },
    });

    expect(config.queues.map((queue) => queue.name)).toEqual(['a', 'b']);
    expect(config.topics.map((topic) => topic.name)).toEqual(['t']);
  });

  it('accepts the $Default rule name Service Bus gives a new subscription', () => {
    const rule = {
      Name: '$Default',
      Properties: { FilterType: 'Sql', SqlFilter: { SqlExpression: '1=1' } },
    };
    const config = parseConfig({
      UserConfig: {
        Namespaces: [
          { Name: 'ns', Topics: [{ Name: 't', Subscriptions: [{ Name: 's', Rules: [rule] }] }] },
        ],
      },
    });
    expect(config.topics[0]?.subscriptions[0]?.rules[0]?.name).toBe('$Default');
  });

  it('warns about settings it ignores, suggesting near misses', () => {
    const config = parseConfig({
      UserConfig: {
        Namespaces: [
          {
            Name: 'sbemulatorns',
            Queues: [
              { Name: 'q', Properties: { lockDuration: 'PT10S', EnableBatchedOperations: true } },
            ],
            Topics: [
              {
                Name: 't',
                Subscriptions: [
                  {
                    Name: 's',
                    Properties: { RequiresDuplicateDetection: true, LockDuration: 'PT10M' },
                    Rules: [
                      {
                        Name: 'r',
                        Properties: {
                          FilterType: 'Correlation',
                          CorrelationFilter: { CorrelationId: 'c' },
                          SqlFilter: { SqlExpression: '1=1' },
                        },
                      },
                    ],
                  },
                ],
              },
            ],
          },
        ],
        Logging: { Type: 'Console' },
        Extra: 1,
      },
    });

    expect(config.warnings).toEqual([
      'UserConfig.Extra: unknown setting, ignored',
      'UserConfig.Namespaces[0].Queues[0].Properties.lockDuration: unknown setting, ignored (did you mean LockDuration?)',
      'UserConfig.Namespaces[0].Queues[0].Properties.EnableBatchedOperations: unknown setting, ignored',
      'UserConfig.Namespaces[0].Topics[0].Subscriptions[0].Properties.RequiresDuplicateDetection: unknown setting, ignored',
      'UserConfig.Namespaces[0].Topics[0].Subscriptions[0].Properties.LockDuration: Azure accepts 5 s to 5 min; used as given',
      'UserConfig.Namespaces[0].Topics[0].Subscriptions[0].Rules[0].Properties.SqlFilter: ignored, since FilterType is Correlation',
    ]);
    expect(config.queues[0]?.properties.lockDurationMs).toBe(60_000);
  });
});
