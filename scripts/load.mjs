// `npm run load`: PERF-001..005 on the local host (tests/load/perf.load.ts), writing
// reports/load/<date>.md and .svg. Not part of npm test.
//   --seconds N        each fixed-rate run (PERF-001..003), default 60
//   --step-seconds N   each ramp step (PERF-004), default 20
//   --ramp a,b,c       ramp rates per minute, default 300,600,...,6000
//   --scale-seconds N  each scale-out run (PERF-005), default 30
//   --scale-rate N     scale-out offered rate per minute, default 12000
//   --soak [--soak-seconds N]  only the soak at 1,000/min, default 600 s
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const flags = {
  '--seconds': 'HL7GW_LOAD_SECONDS',
  '--step-seconds': 'HL7GW_LOAD_STEP_SECONDS',
  '--ramp': 'HL7GW_LOAD_RAMP',
  '--scale-seconds': 'HL7GW_LOAD_SCALE_SECONDS',
  '--scale-rate': 'HL7GW_LOAD_SCALE_RATE',
  '--soak-seconds': 'HL7GW_LOAD_SOAK_SECONDS',
};
const env = { ...process.env };
const args = process.argv.slice(2);
for (let i = 0; i < args.length; i++) {
  if (args[i] === '--soak') env.HL7GW_LOAD_SOAK = '1';
  else if (flags[args[i]] !== undefined && args[i + 1] !== undefined)
    env[flags[args[i]]] = args[++i];
  else {
    console.error(`load: unknown argument ${args[i]}`);
    process.exit(2);
  }
}
const vitest = join(root, 'node_modules', '.bin', 'vitest');
const config = join(root, 'tests', 'load', 'vitest.config.ts');
const result = spawnSync(vitest, ['run', '--config', config], { cwd: root, stdio: 'inherit', env });
process.exit(result.status ?? 1);
