/**
 * The Azure credential for identity-based connections: managed identity in Azure,
 * developer sign-in elsewhere, through `DefaultAzureCredential`.
 */
import { DefaultAzureCredential, type TokenCredential } from '@azure/identity';

/**
 * A credential for identity-based connections. `clientId` selects a user-assigned
 * managed identity; without it the system-assigned identity (or developer sign-in) is
 * used. Creating it does not contact Entra ID; the first token request does.
 */
export function azureCredential(clientId?: string): TokenCredential {
  return clientId === undefined
    ? new DefaultAzureCredential()
    : new DefaultAzureCredential({ managedIdentityClientId: clientId });
}

/**
 * How hard the storage SDKs retry before giving up. The SDK defaults retry for minutes;
 * tests and health checks want an answer in seconds.
 */
export interface StorageRetry {
  /** Attempts after the first. */
  maxRetries: number;
  /** The deadline of each attempt. */
  tryTimeoutMs: number;
  /** The first back-off; later ones grow from it. */
  retryDelayMs: number;
}

/** The retry policy used when none is given: a few attempts, each within 30 s. */
export const DEFAULT_STORAGE_RETRY: StorageRetry = {
  maxRetries: 3,
  tryTimeoutMs: 30_000,
  retryDelayMs: 500,
};
