/**
 * The load runs (PERF-001..005 and the soak), run by `npm run load` (scripts/load.mjs),
 * never by `npm test`. The gateway runs as on a developer machine: Azurite, the broker in a
 * process of its own, and the local host in child processes; the LIS simulator sends from
 * this process over HTTP. Results are read off a subscription of `hl7-results` to time
 * `202 → processed` and to count what was lost; the gateway's own subscriptions (`integrators`,
 * `abnormal`) are read and deleted meanwhile, as integrators would. Each child preloads
 * memory-probe.mjs, so the report shows RSS and V8 heap per process; with HL7GW_LOAD_HEAP_DIR
 * set, `kill -USR2 <pid>` writes a heap snapshot there. Settings come from HL7GW_LOAD_* variables
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

/** A gateway process the runner samples, by its role in the run. */
interface GatewayProcess {
  role: string;
  pid: number;
}

/** One process in a sample: RSS from /proc, the V8 figures from the memory probe. */
interface ProcessSample {
  role: string;
  rssMb: number;
  /** RSS split into anonymous memory (heap, malloc) and mapped files (code, SQLite). */
  rssAnonMb: number;
  rssFileMb: number;
  /** `process.memoryUsage()` of the process in MB, when its probe has written one. */
  heapUsedMb?: number;
  heapTotalMb?: number;
  externalMb?: number;
  arrayBuffersMb?: number;
}

/** One sample of the gateway's processes. */
interface Sample {
  atMs: number;
  /** CPU of all gateway processes, in cores (1.0 = one core busy). */
  cpu: number;
  /** Resident memory of all gateway processes, MB. */
  rssMb: number;
  /** Each process on its own, so growth can be laid at one process's door. */
  processes: ProcessSample[];
}

/** Where the memory probe (memory-probe.mjs) of each child writes its figures. */
const MEMORY_DIR_VAR = 'HL7GW_LOAD_MEMORY_DIR';
const PROBE = fileURLToPath(new URL('./memory-probe.mjs', import.meta.url));

/** The children's NODE_OPTIONS: the probe, and heap snapshots on SIGUSR2 when asked for. */
function probeOptions(memoryDir: string): Record<string, string> {
  const heapDir = env.HL7GW_LOAD_HEAP_DIR;
  const options = [
    env.NODE_OPTIONS ?? '',
    `--import=${PROBE}`,
    heapDir ? `--heapsnapshot-signal=SIGUSR2 --diagnostic-dir=${heapDir}` : '',
  ];
  return { NODE_OPTIONS: options.join(' ').trim(), [MEMORY_DIR_VAR]: memoryDir };
}

/** The last `process.memoryUsage()` a child's probe wrote, in MB. */
async function probeFigures(memoryDir: string, pid: number) {
  try {
    const usage = JSON.parse(await readFile(join(memoryDir, `${pid}.json`), 'utf8')) as Record<
      string,
      number
    >;
    const mb = (name: string) => (usage[name] ?? 0) / 1024 / 1024;
    return {
      heapUsedMb: mb('heapUsed'),
      heapTotalMb: mb('heapTotal'),
      externalMb: mb('external'),
      arrayBuffersMb: mb('arrayBuffers'),
    };
  } catch {
    return {};
  }
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
async function procStat(
  pid: number,
): Promise<{ ticks: number; rssMb: number; rssAnonMb: number; rssFileMb: number } | undefined> {
  try {
    const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const ticks = Number(fields[11]) + Number(fields[12]);
    const status = await readFile(`/proc/${pid}/status`, 'utf8');
    const kb = (field: string) => Number(new RegExp(`${field}:\\s+(\\d+)`).exec(status)?.[1] ?? 0);
    return {
      ticks,
      rssMb: kb('VmRSS') / 1024,
      rssAnonMb: kb('RssAnon') / 1024,
      rssFileMb: kb('RssFile') / 1024,
    };
  } catch {
    return undefined;
  }
}

/** Samples the given processes every second until stopped. */
function sampler(processes: () => GatewayProcess[], memoryDir: string) {
  const samples: Sample[] = [];
  let last = new Map<number, number>();
  let lastAt = Date.now();
  const tick = async () => {
    const now = Date.now();
    let cpuTicks = 0;
    let rss = 0;
    const next = new Map<number, number>();
    const each: ProcessSample[] = [];
    for (const { role, pid } of processes()) {
      const stat = await procStat(pid);
      if (stat === undefined) continue;
      next.set(pid, stat.ticks);
      cpuTicks += stat.ticks - (last.get(pid) ?? stat.ticks);
      rss += stat.rssMb;
      each.push({
        role,
        rssMb: stat.rssMb,
        rssAnonMb: stat.rssAnonMb,
        rssFileMb: stat.rssFileMb,
        ...(await probeFigures(memoryDir, pid)),
      });
    }
    // Linux reports 100 ticks per second.
    const cpu = last.size === 0 ? 0 : cpuTicks / 100 / ((now - lastAt) / 1000);
    samples.push({ atMs: now, cpu, rssMb: rss, processes: each });
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
  const memoryDir = join(dataDir, 'memory');
  await mkdir(memoryDir);
  const probe = probeOptions(memoryDir);
  const broker = await startBrokerProcess(config.path, join(dataDir, 'servicebus'), 0, probe);
  const settings = {
    ...appSettings(azurite.connectionString, broker.ready, [{ name: RESULTS }]),
    ...probe,
  };
  const bus = new ServiceBusClient(broker.ready);
  const hosts: { role: string; child: Child }[] = [];
  const gateway = {
    api: '',
    apiKey: settings.HL7GW_DEV_API_KEY!,
    bus,
    memoryDir,
    processes: (): GatewayProcess[] =>
      [{ role: 'broker', child: broker }, ...hosts]
        .map(({ role, child }) => ({ role, pid: child.process.pid ?? 0 }))
        .filter((p) => p.pid > 0),
    /** One host with all three apps: the local host as a developer runs it. */
    async single() {
      const host = await startHostProcess([ingest!, processor!, deadletter!], settings);
      hosts.push({ role: 'host (all apps)', child: host });
      gateway.api = `${host.ready}/api`;
    },
    /** An ingest host and `n` processor hosts. */
    async scaled(n: number) {
      const front = await startHostProcess([ingest!, deadletter!], settings);
      hosts.push({ role: 'ingest host', child: front });
      gateway.api = `${front.ready}/api`;
      for (let i = 0; i < n; i++) {
        const child = await startHostProcess([processor!], settings);
        hosts.push({ role: `processor host ${i + 1}`, child });
      }
    },
    async stopHosts() {
      for (const host of hosts.splice(0)) await host.child.stop();
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

/**
 * The gateway's own subscriptions on `hl7-results` (config/servicebus.json), read and
 * deleted as the integrators would, so that results nobody reads do not pile up in the
 * broker during a run and pass for a leak.
 */
const GATEWAY_SUBSCRIPTIONS = ['integrators', 'abnormal'];

/** Receives and deletes from `subscription` until `stopWhen`; how many it took. */
async function drainSubscription(
  bus: ServiceBusClient,
  subscription: string,
  stopWhen: () => boolean,
): Promise<number> {
  const receiver = bus.createReceiver('hl7-results', subscription, {
    receiveMode: 'receiveAndDelete',
  });
  let taken = 0;
  try {
    while (!stopWhen()) {
      taken += (await receiver.receiveMessages(500, { maxWaitTimeInMs: 500 })).length;
    }
  } finally {
    await receiver.close();
  }
  return taken;
}

/** One run at `ratePerMinute` for `durationMs`, with its measurements. */
async function measure(
  gateway: LoadGateway,
  name: string,
  ratePerMinute: number,
  durationMs: number,
  processors: number,
): Promise<RunResult> {
  const probe = sampler(gateway.processes, gateway.memoryDir);
  const before = await probe.now();
  const arrivals = new Map<string, number>();
  let sendingDone = false;
  let expected = new Set<string>();
  let drainDeadline = Infinity;
  let drained = false;
  const draining = Promise.all(
    GATEWAY_SUBSCRIPTIONS.map((name) => drainSubscription(gateway.bus, name, () => drained)),
  );
  const collecting = collectResults(
    gateway.bus,
    () =>
      (sendingDone && [...expected].every((id) => arrivals.has(id))) || Date.now() > drainDeadline,
    arrivals,
  );
  // A line a minute on the runner's stderr, to watch memory during a long run.
  const progress = setInterval(() => {
    const sample = probe.samples.at(-1);
    if (sample)
      process.stderr.write(`load: ${name} memory (RSS / heapUsed MB): ${memoryLine(sample)}\n`);
  }, 60_000);
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
  drained = true;
  await draining;
  clearInterval(progress);
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

/** `RSS / heapUsed` of one process in a sample, MB; `–` for a figure the probe lacks. */
const memoryCell = (p: ProcessSample | undefined) =>
  p === undefined
    ? '–'
    : `${fmt(p.rssMb)} / ${p.heapUsedMb === undefined ? '–' : fmt(p.heapUsedMb)}`;

/** One line for the runner's log: each process's RSS and heap, to watch a long run. */
const memoryLine = (sample: Sample) =>
  sample.processes.map((p) => `${p.role} ${memoryCell(p)}`).join(', ');

/**
 * Per process: RSS and V8 heap at the start and end of each run, their peaks, and the
 * memory outside the heap (Buffers), so a rise in RSS reads as live objects, Buffers or
 * memory the allocator kept.
 */
function memoryTable(results: RunResult[]): string {
  const head =
    '| run | process | RSS before → after (max) MB | RSS anon / file after MB | heapUsed before → after (max) MB | heapTotal after MB | external / arrayBuffers after MB |\n' +
    '| --- | --- | --- | --- | --- | ---: | --- |\n';
  const rows: string[] = [];
  for (const r of results) {
    const first = r.samples[0];
    const last = r.samples.at(-1);
    for (const role of last?.processes.map((p) => p.role) ?? []) {
      const of = (s: Sample | undefined) => s?.processes.find((p) => p.role === role);
      const all = r.samples.map(of).filter((p) => p !== undefined);
      const [start, end] = [of(first), of(last)];
      const heap = (p: ProcessSample | undefined) =>
        p?.heapUsedMb === undefined ? '–' : fmt(p.heapUsedMb);
      rows.push(
        [
          r.name,
          role,
          `${fmt(start?.rssMb ?? 0)} → ${fmt(end?.rssMb ?? 0)} (${fmt(Math.max(...all.map((p) => p.rssMb)))})`,
          `${fmt(end?.rssAnonMb ?? 0)} / ${fmt(end?.rssFileMb ?? 0)}`,
          `${heap(start)} → ${heap(end)} (${fmt(Math.max(0, ...all.map((p) => p.heapUsedMb ?? 0)))})`,
          end?.heapTotalMb === undefined ? '–' : fmt(end.heapTotalMb),
          end?.externalMb === undefined
            ? '–'
            : `${fmt(end.externalMb)} / ${fmt(end.arrayBuffersMb ?? 0)}`,
        ].join(' | '),
      );
    }
  }
  return head + rows.map((line) => `| ${line} |`).join('\n') + '\n';
}

/** Each process's `RSS / heapUsed` at ten even points of a run (the soak's shape over time). */
function memoryTimeline(r: RunResult): string {
  const roles = r.samples.at(-1)?.processes.map((p) => p.role) ?? [];
  const head =
    `| t s | ${roles.map((role) => `${role} RSS / heapUsed MB`).join(' | ')} |\n` +
    `| ---: | ${roles.map(() => '---').join(' | ')} |\n`;
  const start = r.samples[0]?.atMs ?? 0;
  const rows: string[] = [];
  for (let i = 0; i <= 10; i++) {
    const sample = r.samples[Math.round(((r.samples.length - 1) * i) / 10)];
    if (sample === undefined) continue;
    const cells = roles.map((role) => memoryCell(sample.processes.find((p) => p.role === role)));
    rows.push(`| ${fmt((sample.atMs - start) / 1000)} | ${cells.join(' | ')} |`);
  }
  return head + rows.join('\n') + '\n';
}

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
    '',
    'Memory per process: RSS from /proc, the V8 heap from `process.memoryUsage()` written each',
    'second by tests/load/memory-probe.mjs in every child. RSS rising while heapUsed stays flat',
    'is memory V8 or the allocator kept, not objects kept alive.',
    '',
    memoryTable(results),
    ...(SOAK && results[0] ? ['', memoryTimeline(results[0])] : []),
    `![rate and p95 ingest latency over time](${stem}.svg)`,
    '',
  ].join('\n');
  await writeFile(join(dir, `${stem}.md`), markdown);
  log(`wrote reports/load/${stem}.md`);
  process.stdout.write(markdown);
});
