// Makes a new credential for a rotation (docs/runbooks/rotate-secrets.md):
//
//   node scripts/new-secret.mjs api-key          a client API key and the SHA-256 hash that
//                                                 goes into HL7GW_API_KEYS' keyHashes
//   node scripts/new-secret.mjs signing-secret   a webhook signing secret (48 random bytes,
//                                                 base64url: above the 32-character minimum)
//
// Prints `name=value` lines on standard output and nothing else, so the output can be
// piped into a password manager or `az keyvault secret set --file`; it is never logged.
import { createHash, randomBytes } from 'node:crypto';

const kind = process.argv[2];
if (kind === 'api-key') {
  const key = randomBytes(32).toString('base64url');
  const hash = createHash('sha256').update(key, 'utf8').digest('hex');
  console.log(`key=${key}`);
  console.log(`sha256=${hash}`);
} else if (kind === 'signing-secret') {
  console.log(`secret=${randomBytes(48).toString('base64url')}`);
} else {
  console.error('usage: node scripts/new-secret.mjs <api-key|signing-secret>');
  process.exit(2);
}
