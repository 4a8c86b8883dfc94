/**
 * `npm run bench`: hl7-core against peer HL7 v2 libraries on the same task and machine,
 * in one process with interleaved rounds, printed as Markdown tables.
 *
 * Options: `--quick` (short rounds, a smoke run for CI), `--json FILE` (also write the
 * figures), `--only NAME[,NAME]` (libraries to time, for profiling), `--rounds N`,
 * `--slice-ms N`. Run with `node --expose-gc` so slices start from a collected heap.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';

import type { Hl7Message } from '@hl7gw/hl7-core';

import { capabilities, firstMessage, readMismatches, type Capabilities } from './correctness.js';
import { batchFile, largeOru, smallOru, splitBatch, type Fixture } from './fixtures.js';
import {
  checksum,
  gcBetweenSlices,
  measure,
  median,
  type Contender,
  type MeasureOptions,
} from './measure.js';
import { LIBRARIES, readOnce, type Library } from './peers.js';
import { pipelineSteps } from './pipeline.js';

const CORE = '@hl7gw/hl7-core';
/** Fastest over slowest round of one library above which a table is flagged as noisy. */
const NOISY_SPREAD = 1.5;
/** The goal the project set for fixture (a). */
const TARGET_RATIO = 7;

interface Settings {
  readonly quick: boolean;
  readonly jsonFile: string | undefined;
  readonly only: readonly string[] | undefined;
  readonly measure: MeasureOptions;
}

function readSettings(argv: readonly string[]): Settings {
  const value = (flag: string): string | undefined => {
    const at = argv.indexOf(flag);
    if (at < 0) return undefined;
    const next = argv[at + 1];
    if (next === undefined || next.startsWith('--')) throw new Error(`${flag} needs a value`);
    return next;
  };
  const known = new Set(['--quick', '--json', '--only', '--rounds', '--slice-ms']);
  for (const arg of argv) {
    if (arg.startsWith('--') && !known.has(arg)) throw new Error(`Unknown option ${arg}`);
  }

  const quick = argv.includes('--quick');
  const rounds = Number(value('--rounds') ?? (quick ? 3 : 11));
  const sliceMs = Number(value('--slice-ms') ?? (quick ? 60 : 200));
  if (!Number.isInteger(rounds) || rounds < 1) throw new Error('--rounds takes a whole number');
  if (!(sliceMs > 0)) throw new Error('--slice-ms takes a positive number');
  return {
    quick,
    jsonFile: value('--json'),
    only: value('--only')?.split(','),
    measure: { warmupRounds: quick ? 1 : 2, rounds, sliceMs },
  };
}

/** One row of a fixture table. */
interface Row {
  readonly library: string;
  readonly version: string;
  readonly messagesPerSecond: number;
  readonly megabytesPerSecond: number;
  /** hl7-core's rate divided by this library's. */
  readonly coreRatio: number;
  readonly perRound: readonly number[];
  readonly capabilities: Capabilities;
  /** Why the library has no timing on this fixture. */
  readonly excluded?: string;
  /** Reads that differ from the fixture's values (escaped values aside). */
  readonly mismatches: readonly string[];
}

/** A row timed with the libraries but not a library of its own, such as hl7-core's parseBatch. */
interface ExtraRow {
  readonly contender: Contender;
  readonly capabilities: Capabilities;
  /** Why it has no timing. */
  readonly excluded?: string;
}

function versions(): Record<string, string> {
  const manifest = JSON.parse(
    readFileSync(new URL('../package.json', import.meta.url), 'utf8'),
  ) as { dependencies: Record<string, string> };
  return manifest.dependencies;
}

function contenderFor(library: Library, fixture: Fixture): Contender {
  const text = fixture.text;
  if (fixture.messageCount === 1) {
    return { name: library.name, messagesPerCall: 1, run: () => library.readMessage(text) };
  }
  return {
    name: library.name,
    messagesPerCall: fixture.messageCount,
    run: () => {
      let total = 0;
      for (const message of splitBatch(text)) total += library.readMessage(message);
      return total;
    },
  };
}

function benchFixture(
  fixture: Fixture,
  libraries: readonly Library[],
  caps: ReadonlyMap<string, Capabilities>,
  options: MeasureOptions,
  extras: readonly ExtraRow[] = [],
): Row[] {
  const bytesPerMessage = fixture.bytes / fixture.messageCount;
  const sample = firstMessage(fixture);
  const checked = libraries.map((library) => {
    const reads = readOnce(library, sample);
    return reads instanceof Error
      ? { library, excluded: `throws ${reads.name}`, mismatches: [] as string[] }
      : { library, excluded: undefined, mismatches: readMismatches(fixture, reads) };
  });

  // A batch is worth a longer slice: one call is a thousand messages.
  const sliced = fixture.messageCount > 1 ? { ...options, sliceMs: options.sliceMs * 2 } : options;
  const timed = checked.filter((c) => c.excluded === undefined);
  const rates = measure(
    [
      ...timed.map((c) => contenderFor(c.library, fixture)),
      ...extras.filter((e) => e.excluded === undefined).map((e) => e.contender),
    ],
    sliced,
  );
  const byName = new Map(rates.map((r) => [r.name, r]));
  const coreRounds = byName.get(CORE)?.perRound ?? [];
  const versionOf = versions();

  const row = (
    name: string,
    version: string,
    capabilities: Capabilities,
    excluded: string | undefined,
    mismatches: string[],
  ): Row => {
    const rate = byName.get(name);
    const thrown = rate?.error ? `throws ${rate.error.name} while timed` : undefined;
    const perRound = thrown ? [] : (rate?.perRound ?? []);
    const messagesPerSecond = median(perRound);
    return {
      library: name,
      version,
      messagesPerSecond,
      megabytesPerSecond: (messagesPerSecond * bytesPerMessage) / 1e6,
      coreRatio: roundRatio(coreRounds, perRound),
      perRound,
      capabilities,
      excluded: excluded ?? thrown,
      mismatches,
    };
  };
  return [
    ...checked.map(({ library, excluded, mismatches }) =>
      row(
        library.name,
        versionOf[library.name] ?? '',
        caps.get(library.name) as Capabilities,
        excluded,
        mismatches,
      ),
    ),
    ...extras.map((extra) => row(extra.contender.name, '', extra.capabilities, extra.excluded, [])),
  ];
}

/**
 * hl7-core's rate over a peer's, as the median of the ratios within each round: slices of one
 * round run back to back, so a busy machine slows both sides of each ratio alike.
 */
function roundRatio(core: readonly number[], peer: readonly number[]): number {
  const rounds = Math.min(core.length, peer.length);
  const ratios: number[] = [];
  for (let r = 0; r < rounds; r++) ratios.push((core[r] as number) / (peer[r] as number));
  return median(ratios);
}

const whole = (n: number): string =>
  Number.isFinite(n) ? Math.round(n).toLocaleString('en-GB') : 'fails';
const oneDecimal = (n: number): string => (Number.isFinite(n) ? n.toFixed(1) : 'fails');

function printTable(fixture: Fixture, rows: readonly Row[]): void {
  const size =
    fixture.messageCount === 1
      ? `${fixture.bytes.toLocaleString('en-GB')} bytes`
      : `${fixture.bytes.toLocaleString('en-GB')} bytes, ${fixture.messageCount} messages`;
  console.log(`\n### ${fixture.id} ${fixture.title} (${size})\n`);
  console.log(
    '| library | msg/s (median) | MB/s | hl7-core is N× | unescapes | other delimiters | BOM |',
  );
  console.log('|---|---:|---:|---:|:---:|:---:|:---:|');
  for (const row of rows) {
    const name = row.version === '' ? row.library : `${row.library} ${row.version}`;
    const ratio =
      row.library === CORE
        ? '1.0×'
        : row.library.startsWith(CORE)
          ? '—'
          : Number.isFinite(row.coreRatio)
            ? `${row.coreRatio.toFixed(1)}×`
            : 'fails';
    const c = row.capabilities;
    console.log(
      `| ${name} | ${whole(row.messagesPerSecond)} | ${oneDecimal(row.megabytesPerSecond)} | ` +
        `${ratio} | ${c.unescapes} | ${c.otherDelimiters} | ${c.bom} |`,
    );
  }

  const notes: string[] = [];
  const spread = rows
    .filter((r) => r.perRound.length > 0)
    .map((r) => `${r.library} ${whole(Math.min(...r.perRound))}–${whole(Math.max(...r.perRound))}`);
  notes.push(`Spread across rounds (msg/s, min–max): ${spread.join('; ')}.`);
  const widest = Math.max(
    ...rows
      .filter((r) => r.perRound.length > 0)
      .map((r) => Math.max(...r.perRound) / Math.min(...r.perRound)),
  );
  if (widest > NOISY_SPREAD) {
    notes.push(
      `NOISY: a library's fastest round was ${widest.toFixed(1)}× its slowest; the machine ` +
        'was busy, so treat these figures, ratios included, as rough and run again.',
    );
  }
  for (const row of rows) {
    if (row.excluded) notes.push(`${row.library}: ${row.excluded}; left out of the timing.`);
    if (row.mismatches.length > 0) {
      const shown = row.mismatches.slice(0, 6).join(', ');
      const more = row.mismatches.length > 6 ? ` and ${row.mismatches.length - 6} more` : '';
      notes.push(`${row.library} reads differ from the fixture at ${shown}${more}.`);
    }
  }
  if (rows.some((r) => r.library === BATCH_ROW)) {
    notes.push(
      `${BATCH_ROW}: hl7-core reading the file itself (headers, trailers and counts ` +
        'checked, each member parsed); not part of the comparison.',
    );
  }
  if (fixture.messageCount > 1) {
    notes.push(
      'Every library, hl7-core included, gets the batch split into messages by the same ' +
        'simple splitter (a message starts at each MSH; FHS/BHS/BTS/FTS dropped); the ' +
        'split is inside the timing for all.',
    );
  }
  console.log('\n' + notes.map((n) => `- ${n}`).join('\n'));
}

const BATCH_ROW = `${CORE} parseBatch`;

/** hl7-core's own batch reader as an extra row of the batch table, once hl7-core exports it. */
async function parseBatchRow(batch: Fixture, capabilities: Capabilities): Promise<ExtraRow[]> {
  const core = (await import('@hl7gw/hl7-core')) as unknown as Record<string, unknown>;
  if (typeof core.parseBatch !== 'function') return [];
  const parseBatch = core.parseBatch as (text: string) => {
    members: ReadonlyArray<{ message?: Hl7Message }>;
  };

  const contender: Contender = {
    name: BATCH_ROW,
    messagesPerCall: batch.messageCount,
    run: () => {
      let length = 0;
      for (const member of parseBatch(batch.text).members) {
        if (!member.message) continue;
        for (const obx of member.message.segments('OBX')) {
          length += obx.value(3, 1, 1).length + obx.value(5).length;
          length += obx.value(6, 1, 1).length + obx.value(8).length;
        }
      }
      return length;
    },
  };
  try {
    contender.run();
    return [{ contender, capabilities }];
  } catch (error) {
    const name = error instanceof Error ? error.name : 'an error';
    return [{ contender, capabilities, excluded: `throws ${name}` }];
  }
}

interface PipelineRow {
  readonly name: string;
  readonly messagesPerSecond?: number;
  readonly megabytesPerSecond?: number;
  readonly status: string;
}

async function benchPipeline(fixture: Fixture, options: MeasureOptions): Promise<PipelineRow[]> {
  const core = LIBRARIES.find((l) => l.name === CORE) as Library;
  const steps = [
    { name: 'parse + read every OBX (as above)', run: (t: string) => core.readMessage(t) },
    ...(await pipelineSteps()),
  ];
  const runnable: Array<{ name: string; run: (text: string) => number }> = [];
  const rows = new Map<string, PipelineRow>();
  for (const step of steps) {
    if ('unavailable' in step) {
      rows.set(step.name, { name: step.name, status: step.unavailable });
      continue;
    }
    try {
      step.run(fixture.text);
      runnable.push(step);
    } catch (error) {
      const reason = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
      rows.set(step.name, { name: step.name, status: `fails (${reason})` });
    }
  }

  const rates = measure(
    runnable.map((s) => ({ name: s.name, messagesPerCall: 1, run: () => s.run(fixture.text) })),
    options,
  );
  for (const rate of rates) {
    const perSecond = median(rate.perRound);
    rows.set(rate.name, {
      name: rate.name,
      messagesPerSecond: perSecond,
      megabytesPerSecond: (perSecond * fixture.bytes) / 1e6,
      status: rate.error ? `fails (${rate.error.name}: ${rate.error.message})` : 'ok',
    });
  }
  return steps.map((s) => rows.get(s.name) as PipelineRow);
}

function printPipeline(fixture: Fixture, rows: readonly PipelineRow[]): void {
  console.log(`\n### hl7-core pipeline on ${fixture.id}\n`);
  console.log('| step | msg/s (median) | MB/s |');
  console.log('|---|---:|---:|');
  for (const row of rows) {
    const rate = row.messagesPerSecond === undefined ? row.status : whole(row.messagesPerSecond);
    const mb = row.megabytesPerSecond === undefined ? '' : oneDecimal(row.megabytesPerSecond);
    console.log(`| ${row.name} | ${rate} | ${mb} |`);
  }
}

async function main(): Promise<void> {
  const settings = readSettings(process.argv.slice(2));
  const libraries = LIBRARIES.filter(
    (l) => !settings.only || settings.only.some((name) => l.name.includes(name)),
  );
  const fixtures = [smallOru(), largeOru(), batchFile(settings.quick ? 200 : 1000)];
  const small = fixtures[0] as Fixture;
  const caps = new Map(libraries.map((l) => [l.name, capabilities(l, small)]));
  const m = settings.measure;

  console.log('## HL7 v2 parse-and-read benchmark\n');
  console.log(
    `Node ${process.version} on ${cpus()[0]?.model ?? 'unknown CPU'} (${cpus().length} CPUs). ` +
      `${m.rounds} interleaved rounds of ${m.sliceMs} ms per library (batch: ${m.sliceMs * 2} ms) ` +
      `after ${m.warmupRounds} warm-up rounds, order rotating each round; ` +
      (gcBetweenSlices
        ? 'GC forced between slices.'
        : 'GC not forced (run with node --expose-gc).') +
      (settings.quick ? ' QUICK smoke run: figures are rough.' : ''),
  );
  console.log(
    '\nTask per message: parse, then read OBX-3.1, OBX-5, OBX-6.1 and OBX-8 of every OBX ' +
      "through each library's own API. MB/s counts UTF-8 input bytes (1 MB = 10^6 bytes). " +
      '"unescapes": OBX-5 of the escaped OBX in (a) reads as the decoded text. ' +
      '"other delimiters": (a) with MSH-1 `#` and MSH-2 `$!@%` gives the same MSH-10 and OBX ' +
      'reads (escaped value aside). "BOM": the same with a UTF-8 byte order mark in front. ' +
      '"fails" means the library threw. "hl7-core is N×" is the median over rounds of ' +
      "hl7-core's rate divided by the library's in the same round.",
  );

  const report: Record<string, unknown> = {
    node: process.version,
    cpu: cpus()[0]?.model,
    date: new Date().toISOString(),
    settings: { ...m, quick: settings.quick, gcBetweenSlices },
    fixtures: [] as unknown[],
  };
  let smallRatio: { peer: string; ratio: number } | undefined;
  const coreCaps = caps.get(CORE);
  const batchExtras = coreCaps ? await parseBatchRow(fixtures[2] as Fixture, coreCaps) : [];
  for (const fixture of fixtures) {
    const extras = fixture.messageCount > 1 ? batchExtras : [];
    const rows = benchFixture(fixture, libraries, caps, m, extras);
    printTable(fixture, rows);
    (report.fixtures as unknown[]).push({
      id: fixture.id,
      title: fixture.title,
      bytes: fixture.bytes,
      messages: fixture.messageCount,
      rows,
    });
    if (fixture === small) {
      const peers = rows.filter((r) => !r.library.startsWith(CORE) && r.perRound.length > 0);
      const fastest = peers.sort((a, b) => b.messagesPerSecond - a.messagesPerSecond)[0];
      if (fastest) smallRatio = { peer: fastest.library, ratio: fastest.coreRatio };
    }
  }

  if (libraries.some((l) => l.name === CORE)) {
    const pipeline = await benchPipeline(small, m);
    printPipeline(small, pipeline);
    report.pipeline = pipeline;
  }

  if (smallRatio) {
    const unescapes = caps.get(CORE)?.unescapes === 'yes';
    const met = smallRatio.ratio >= TARGET_RATIO && unescapes ? 'met' : 'NOT met';
    const escapes = unescapes ? 'with' : 'WITHOUT';
    console.log(
      `\nGoal (hl7-core at least ${TARGET_RATIO}× the fastest peer on (a), unescaping ` +
        `correctly): ${smallRatio.ratio.toFixed(1)}× ${smallRatio.peer}, ${escapes} correct ` +
        `unescaping: ${met}.`,
    );
    report.goal = { target: TARGET_RATIO, ...smallRatio };
  }
  console.log(`\n(checksum ${checksum()})`);

  if (settings.jsonFile) {
    writeFileSync(settings.jsonFile, JSON.stringify(report, null, 2) + '\n');
    console.log(`Figures written to ${settings.jsonFile}`);
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
