import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterEach, describe, expect, it } from 'vitest';

import type { BrokerMessage } from '../entities/broker-message.js';
import { MessageStore } from './message-store.js';

const message = (sequenceNumber: number): BrokerMessage => ({
  entity: 'work',
  sequenceNumber,
  enqueuedAtMs: 1_700_000_000_000,
  messageId: `m-${sequenceNumber}`,
  sessionId: sequenceNumber % 2 ? 'patient-1' : undefined,
  state: 'active',
  scheduledAtMs: undefined,
  expiresAtMs: undefined,
  deliveryCount: 0,
  payload: Buffer.from([sequenceNumber]),
});

describe('MessageStore', () => {
  const dirs: string[] = [];
  const freshDir = (): string => {
    const dir = mkdtempSync(join(tmpdir(), 'servicebus-local-store-'));
    dirs.push(dir);
    return dir;
  };
  afterEach(() => dirs.splice(0).forEach((dir) => rmSync(dir, { recursive: true, force: true })));

  it('reads back what was committed: messages, sequence numbers, ids and session state', async () => {
    const dir = freshDir();
    const store = MessageStore.open(dir);
    await Promise.all([
      store.insert(message(1)),
      store.insert(message(2)),
      store.insert(message(3)),
    ]);
    const second = { ...message(2), deliveryCount: 2, state: 'deferred' as const };
    await Promise.all([
      store.update(second),
      store.remove('work', 3),
      store.rememberMessageId('work', 'm-1', 10),
      store.setSessionState('work', 'patient-1', Buffer.from('{"step":1}')),
    ]);
    store.close();

    const reopened = MessageStore.open(dir);
    const state = reopened.load();
    reopened.close();
    expect(state.messages.map((m) => [m.sequenceNumber, m.state, m.deliveryCount])).toEqual([
      [1, 'active', 0],
      [2, 'deferred', 2],
    ]);
    expect(state.messages[0]?.sessionId).toBe('patient-1');
    expect(state.lastSequenceNumbers.get('work')).toBe(3);
    expect(state.messageIds).toEqual([{ entity: 'work', messageId: 'm-1', seenAtMs: 10 }]);
    expect(state.sessionStates[0]?.state.toString()).toBe('{"step":1}');
  });

  it('refuses a second store on the same directory', () => {
    const dir = freshDir();
    const store = MessageStore.open(dir);
    store.load();
    expect(() => MessageStore.open(dir)).toThrow(/locked/);
    store.close();
  });
});
