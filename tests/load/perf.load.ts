/**
 * The load runs (PERF-001..005 and the soak), run by `npm run load` (scripts/load.mjs),
 * never by `npm test`. The gateway runs as on a developer machine: Azurite, the broker in a
 * process of its own, and the local host in child processes; the LIS simulator sends from
 * this process over HTTP. Results are read off a subscription of `hl7-results` to time
 * `202 → processed` and to count what was lost. Settings come from HL7GW_LOAD_* variables
 * (see scripts/load.mjs). Writes reports/load/<date>.md and .svg.
 */
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { ServiceBusClient } from '@azure/service-bus';
import { startAzurite } from '@hl7gw/platform/testing';
import { it } from 'vitest';

import { REPO_ROOT, writeBrokerConfig } from '../support/broker-config.js';
import { appSettings, requireBuiltApps } from '../support/gateway.js';
import { startBrokerProcess, startHostProcess, type Child } from '../support/processes.js';
import { runLis, type LisReport } from '../simulators/lis-sender.js';
import { chartSvg, percentile, type Series } from './report.js';

const env = process.env;
const seconds = (name: string, fallback: number) => Number(env[name] ?? fallback) * 1000;
const FIXED_MS = seconds('HL7GW_LOAD_SECONDS', 60);
const STEP_MS = seconds('HL7GW_LOAD_STEP_SECONDS', 20);
const SCALE_MS = seconds('HL7GW_LOAD_SCALE_SECONDS', 30);
const SOAK_MS = seconds('HL7GW_LOAD_SOAK_SECONDS', 600);
const SOAK = env.HL7GW_LOAD_SOAK === '1';
const RAMP = (env.HL7GW_LOAD_RAMP ?? '300,600,1200,1800,2400,3000,4500,6000')
  .split(',')
  .map(Number);
const SCALE_RATE = Number(env.HL7GW_LOAD_SCALE_RATE ?? 12_000);
const RESULTS = 'load-results';

/** One sample of the gateway's processes. */
interface Sample {
  atMs: number;
  /** CPU of all gateway processes, in cores (1.0 = one core busy). */
  cpu: number;
  /** Resident memory of all gateway processes, MB. */
  rssMb: number;
}

/** What a run measured. */
interface RunResult {
  name: string;
  offeredPerMin: number;
  processors: number;
  durationMs: number;
  messages: number;
  achievedPerSec: number;
  processedPerSec: number;
  ingest: [number, number, number];
  toProcessed: [number, number, number];
  errorRate: number;
  lost: number;
  samples: Sample[];
  timeline: { second: number; sent: number; p95: number }[];
  rssBeforeMb: number;
  rssAfterMb: number;
}

/** Reads CPU ticks and RSS of a process from /proc (Linux). */
async function procStat(pid: number): Promise<{ ticks: number; rssMb: number } | undefined> {
  try {
    const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const ticks = Number(fields[11]) + Number(fields[12]);
    const status = await readFile(`/proc/${pid}/status`, 'utf8');
    const rssKb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
    return { ticks, rssMb: rssKb / 1024 };
  } catch {
    return undefined;
  }
}

/** Samples the given processes every second until stopped. */
function sampler(pids: () => number[]) {
  const samples: Sample[] = [];
  let last = new Map<number, number>();
  let lastAt = Date.now();
  const tick = async () => {
    const now = Date.now();
    let cpuTicks = 0;
    let rss = 0;
    const next = new Map<number, number>();
    for (const pid of pids()) {
      const stat = await procStat(pid);
      if (stat === undefined) continue;
      next.set(pid, stat.ticks);
      cpuTicks += stat.ticks - (last.get(pid) ?? stat.ticks);
      rss += stat.rssMb;
    }
    // Linux reports 100 ticks per second.
    const cpu = last.size === 0 ? 0 : cpuTicks / 100 / ((now - lastAt) / 1000);
    samples.push({ atMs: now, cpu, rssMb: rss });
    last = next;
    lastAt = now;
  };
  const timer = setInterval(() => void tick(), 1_000);
  return {
    samples,
    now: async () => {
      await tick();
      return samples.at(-1)!;
    },
    stop: () => clearInterval(timer),
  };
}

/** A gateway: Azurite, a broker process, an ingest host and `processors` processor hosts. */
async function startLoadGateway(dataDir: string) {
  const [ingest, processor, deadletter] = requireBuiltApps();
  const azurite = await startAzurite();
  const config = await writeBrokerConfig(dataDir, [{ name: RESULTS }]);
  const broker = await startBrokerProcess(config.path, join(dataDir, 'servicebus'), 0);
  const settings = appSettings(azurite.connectionString, broker.ready, [{ name: RESULTS }]);
  const bus = new ServiceBusClient(broker.ready);
  const hosts: Child[] = [];
  const gateway = {
    api: '',
    apiKey: settings.HL7GW_DEV_API_KEY!,
    bus,
    pids: () => [broker, ...hosts].map((c) => c.process.pid ?? 0).filter((p) => p > 0),
    /** One host with all three apps: the local host as a developer runs it. */
    async single() {
      const host = await startHostProcess([ingest!, processor!, deadletter!], settings);
      hosts.push(host);
      gateway.api = `${host.ready}/api`;
    },
    /** An ingest host and `n` processor hosts. */
    async scaled(n: number) {
      const front = await startHostProcess([ingest!, deadletter!], settings);
      hosts.push(front);
      gateway.api = `${front.ready}/api`;
      for (let i = 0; i < n; i++) hosts.push(await startHostProcess([processor!], settings));
    },
    async stopHosts() {
      for (const host of hosts.splice(0)) await host.stop();
    },
    async stop() {
      await gateway.stopHosts();
      await bus.close();
      await broker.stop();
      await azurite.stop();
    },
  };
  return gateway;
}
type LoadGateway = Awaited<ReturnType<typeof startLoadGateway>>;

/** Receives results until `ids` all arrived or `quietMs` passed without one; arrival times. */
async function collectResults(
  bus: ServiceBusClient,
  stopWhen: () => boolean,
  arrivals: Map<string, number>,
) {
  const receiver = bus.createReceiver('hl7-results', RESULTS, { receiveMode: 'receiveAndDelete' });
  try {
    while (!stopWhen()) {
      const batch = await receiver.receiveMessages(500, { maxWaitTimeInMs: 200 });
      const now = Date.now();
      for (const message of batch) arrivals.set(String(message.messageId), now);
    }
  } finally {
    await receiver.close();
  }
}

/** One run at `ratePerMinute` for `durationMs`, with its measurements. */
async function measure(
  gateway: LoadGateway,
  name: string,
  ratePerMinute: number,
  durationMs: number,
  processors: number,
): Promise<RunResult> {
  const probe = sampler(gateway.pids);
  const before = await probe.now();
  const arrivals = new Map<string, number>();
  let sendingDone = false;
  let expected = new Set<string>();
  let drainDeadline = Infinity;
  const collecting = collectResults(
    gateway.bus,
    () =>
      (sendingDone && [...expected].every((id) => arrivals.has(id))) || Date.now() > drainDeadline,
    arrivals,
  );
  let report: LisReport;
  try {
    report = await runLis({
      target: { kind: 'http', api: gateway.api, apiKey: gateway.apiKey },
      source: { kind: 'generated', facility: 'LOADLAB', patients: 500 },
      ratePerMinute,
      durationMs,
      maxInFlight: 256,
      timeoutMs: 15_000,
    });
  } finally {
    expected = new Set();
  }
  const accepted = report.sends.filter((s) => s.status === 202);
  expected = new Set(accepted.flatMap((s) => s.ids ?? []));
  sendingDone = true;
  drainDeadline = Date.now() + Math.max(30_000, durationMs);
  await collecting;
  probe.stop();
  const after = await probe.now();

  const acceptedAt = new Map<string, number>();
  for (const send of accepted) {
    for (const id of send.ids ?? []) acceptedAt.set(id, send.sentMs + send.latencyMs);
  }
  const toProcessed = [...acceptedAt]
    .filter(([id]) => arrivals.has(id))
    .map(([id, at]) => arrivals.get(id)! - at);
  const ingest = report.sends.map((s) => s.latencyMs);
  const lastArrival = Math.max(...[...expected].map((id) => arrivals.get(id) ?? 0));
  const elapsed = (report.endedMs - report.startedMs) / 1000;

  const bySecond = new Map<number, number[]>();
  for (const send of report.sends) {
    const second = Math.floor((send.sentMs - report.startedMs) / 1000);
    bySecond.set(second, [...(bySecond.get(second) ?? []), send.latencyMs]);
  }
  const timeline = [...bySecond]
    .sort(([a], [b]) => a - b)
    .map(([second, values]) => ({ second, sent: values.length, p95: percentile(values, 95) }));

  const pcts = (values: number[]): [number, number, number] => [
    percentile(values, 50),
    percentile(values, 95),
    percentile(values, 99),
  ];
  return {
    name,
    offeredPerMin: ratePerMinute,
    processors,
    durationMs,
    messages: report.messages,
    achievedPerSec: report.messages / elapsed,
    processedPerSec: expected.size / Math.max(1, (lastArrival - report.startedMs) / 1000),
    ingest: pcts(ingest),
    toProcessed: pcts(toProcessed),
    errorRate: (report.sends.length - accepted.length) / Math.max(1, report.sends.length),
    lost: [...expected].filter((id) => !arrivals.has(id)).length,
    samples: probe.samples,
    timeline,
    rssBeforeMb: before.rssMb,
    rssAfterMb: after.rssMb,
  };
}

const fmt = (n: number, digits = 0) => n.toFixed(digits);

function table(results: RunResult[]): string {
  const head =
    '| run | offered /min | processors | duration s | achieved msg/s | processed msg/s | ingest p50/p95/p99 ms | 202→processed p50/p95/p99 ms | errors | not processed in drain window | CPU max (cores) | RSS before → after MB |\n' +
    '| --- | ---: | ---: | ---: | ---: | ---: | --- | --- | ---: | ---: | ---: | --- |\n';
  return (
    head +
    results
      .map((r) =>
        [
          r.name,
          r.offeredPerMin,
          r.processors,
          fmt(r.durationMs / 1000),
          fmt(r.achievedPerSec, 1),
          fmt(r.processedPerSec, 1),
          r.ingest.map((v) => fmt(v)).join(' / '),
          r.toProcessed.map((v) => fmt(v)).join(' / '),
          `${fmt(r.errorRate * 100, 2)} %`,
          r.lost,
          fmt(Math.max(0, ...r.samples.map((s) => s.cpu)), 2),
          `${fmt(r.rssBeforeMb)} → ${fmt(r.rssAfterMb)}`,
        ].join(' | '),
      )
      .map((line) => `| ${line} |`)
      .join('\n') +
    '\n'
  );
}

it('runs the load scenarios and writes the report', { timeout: 4 * 3_600_000 }, async () => {
  const dataDir = await mkdtemp(join(tmpdir(), 'hl7gw-load-'));
  const results: RunResult[] = [];
  const series: Series[] = [];
  let sustained = 0;
  const gateway = await startLoadGateway(dataDir);
  const log = (line: string) => process.stderr.write(`load: ${line}\n`);
  try {
    await gateway.single();
    if (SOAK) {
      log(`soak: 1000/min for ${SOAK_MS / 1000} s`);
      results.push(await measure(gateway, 'SOAK', 1_000, SOAK_MS, 1));
    } else {
      for (const [name, rate] of [
        ['PERF-001', 100],
        ['PERF-002', 1_000],
        ['PERF-003', 5_000],
      ] as const) {
        log(`${name}: ${rate}/min for ${FIXED_MS / 1000} s`);
        results.push(await measure(gateway, name, rate, FIXED_MS, 1));
      }
      for (const rate of RAMP) {
        log(`PERF-004 step: ${rate}/min for ${STEP_MS / 1000} s`);
        const step = await measure(gateway, `PERF-004 @${rate}`, rate, STEP_MS, 1);
        results.push(step);
        const held =
          step.ingest[1] < 50 &&
          step.lost === 0 &&
          step.errorRate === 0 &&
          step.achievedPerSec >= (rate / 60) * 0.95;
        if (!held) break;
        sustained = rate / 60;
      }
      await gateway.stopHosts();
      for (const n of [1, 2, 4]) {
        log(`PERF-005: ${n} processor host(s), ${SCALE_RATE}/min for ${SCALE_MS / 1000} s`);
        await gateway.scaled(n);
        results.push(await measure(gateway, `PERF-005 x${n}`, SCALE_RATE, SCALE_MS, n));
        await gateway.stopHosts();
      }
    }
  } finally {
    await gateway.stop();
    await rm(dataDir, { recursive: true, force: true });
  }

  let offsetS = 0;
  for (const r of results) {
    series.push({
      name: r.name,
      offsetS,
      points: r.timeline.map((t) => ({ second: t.second, rate: t.sent, p95: t.p95 })),
    });
    offsetS += Math.ceil(r.durationMs / 1000) + 2;
  }
  const date = new Date().toISOString().slice(0, 16).replace(/[:T]/g, '-');
  const stem = `${SOAK ? 'soak' : 'load'}-${date}`;
  const dir = fileURLToPath(new URL('reports/load/', REPO_ROOT));
  await mkdir(dir, { recursive: true });
  await writeFile(join(dir, `${stem}.svg`), chartSvg(series));
  const cpus = (await import('node:os')).cpus();
  const markdown = [
    `# Load run ${new Date().toISOString()}`,
    '',
    `Machine: ${cpus.length} × ${cpus[0]?.model ?? 'CPU'}, Node ${process.version}. The LIS`,
    'simulator sends generated ORU^R01 over HTTP (one per request) from the runner process;',
    'Azurite, the broker and the local host run in their own processes. Ingest latency is',
    'request to answer; `202→processed` is the answer to the result arriving on a test',
    'subscription. CPU and RSS are summed over the broker and host processes, sampled each',
    'second. Other work on the machine competes for the same cores.',
    '',
    SOAK ? `soak: ${fmt(SOAK_MS / 1000)} s at 1000/min` : `sustained: ${fmt(sustained, 1)} msg/s`,
    '',
    table(results),
    `![rate and p95 ingest latency over time](${stem}.svg)`,
    '',
  ].join('\n');
  await writeFile(join(dir, `${stem}.md`), markdown);
  log(`wrote reports/load/${stem}.md`);
  process.stdout.write(markdown);
});
