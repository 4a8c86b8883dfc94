/**
 * The messages the benchmark reads, built in code from tables of observations so that every
 * library's reads can be checked against values that do not come from any parser.
 * All patients, clinicians and numbers are invented; the NHS number is in the 999 test range.
 */

/** One observation as the fixture writes it and as a correct reader returns it. */
export interface Observation {
  /** OBX-2, the value type. */
  readonly type: string;
  /** OBX-3.1, the observation code. */
  readonly code: string;
  /** OBX-3.2, the observation name. */
  readonly name: string;
  /** OBX-5 as written, escape sequences in place. */
  readonly rawValue: string;
  /** OBX-5 as a correct reader returns it, escapes decoded. */
  readonly value: string;
  /** OBX-6.1, the units. */
  readonly units: string;
  /** OBX-7, the reference range. */
  readonly range: string;
  /** OBX-8, the abnormal flag. */
  readonly flag: string;
}

/** A fixture: the text, and the reads a correct library returns from it. */
export interface Fixture {
  /** Short label for tables, such as `(a)`. */
  readonly id: string;
  /** What the fixture is, for the table heading. */
  readonly title: string;
  /** The HL7 text: one message, or a batch. */
  readonly text: string;
  /** UTF-8 size of `text`. */
  readonly bytes: number;
  /** The messages of the fixture (1 for a single message). */
  readonly messageCount: number;
  /** MSH-10 of the (first) message. */
  readonly controlId: string;
  /** Every OBX of one message, in order. */
  readonly observations: readonly Observation[];
  /** Index in `observations` of the OBX whose value holds every escape, or -1. */
  readonly escapedIndex: number;
}

/** OBX-5 of the service comment in (a): every escape of v2.5.1 section 2.7 once. */
export const ESCAPED_RAW =
  'Sample haemolysed \\T\\ lipaemic.\\.br\\K\\S\\Na ratio 1\\F\\4 \\R\\ repeat advised ' +
  '\\E\\ see note (grade \\X41\\).';

/** What `ESCAPED_RAW` reads as, with the default delimiters. */
export const ESCAPED_VALUE =
  'Sample haemolysed & lipaemic.\nK^Na ratio 1|4 ~ repeat advised \\ see note (grade A).';

function nm(
  code: string,
  name: string,
  value: string,
  units: string,
  range: string,
  flag = 'N',
): Observation {
  return { type: 'NM', code, name, rawValue: value, value, units, range, flag };
}

function tx(code: string, name: string, rawValue: string, value: string): Observation {
  return { type: 'TX', code, name, rawValue, value, units: '', range: '', flag: '' };
}

const FULL_BLOOD_COUNT: readonly Observation[] = [
  nm('718-7', 'Haemoglobin', '128', 'g/L', '115-165'),
  nm('6690-2', 'White cell count', '11.8', '10*9/L', '4.0-11.0', 'H'),
  nm('789-8', 'Red cell count', '4.21', '10*12/L', '3.80-5.80'),
  nm('4544-3', 'Haematocrit', '0.39', 'L/L', '0.37-0.47'),
  nm('787-2', 'MCV', '92', 'fL', '80-100'),
  nm('785-6', 'MCH', '30.4', 'pg', '27.0-32.0'),
  nm('777-3', 'Platelets', '138', '10*9/L', '150-400', 'L'),
  nm('751-8', 'Neutrophils', '8.9', '10*9/L', '2.0-7.5', 'H'),
  nm('731-0', 'Lymphocytes', '1.9', '10*9/L', '1.5-4.0'),
  nm('742-7', 'Monocytes', '0.7', '10*9/L', '0.2-0.8'),
  nm('711-2', 'Eosinophils', '0.2', '10*9/L', '0.0-0.4'),
  nm('704-7', 'Basophils', '0.1', '10*9/L', '0.0-0.1'),
];

const SERVICE_COMMENT = tx('8251-1', 'Service comment', ESCAPED_RAW, ESCAPED_VALUE);

function msh(controlId: string): string {
  return (
    `MSH|^~\\&|WINPATH|RGT^Royal General Trust^L|TIE|GP-B86001|20240611142305||` +
    `ORU^R01^ORU_R01|${controlId}|P|2.5.1|||AL|NE|GBR|UNICODE UTF-8`
  );
}

const PATIENT = [
  'PID|1||9990548609^^^NHS^NH~K123456^^^RGT^MR||SMITH^JANE^ANNE^^MRS||19620314|F|||' +
    '12 ACACIA AVENUE^^LEEDS^^LS1 4AB^GBR||01132 496000',
  'PV1|1|O|OPD^^^RGT||||C1234567^JONES^ALAN^^^DR',
];

function order(setId: number, code: string, name: string, section: string): string[] {
  const placer = `ORD-4488${10 + setId}^GP`;
  const filler = `LAB-24A01${20 + setId}^WINPATH`;
  return [
    `ORC|RE|${placer}|${filler}||CM||||20240611091500|||G8123456^PATEL^PRIYA^^^DR`,
    `OBR|${setId}|${placer}|${filler}|${code}^${name}^L|||20240611090500|||||||` +
      `20240611101200||G8123456^PATEL^PRIYA^^^DR||||||20240611142300||${section}|F`,
  ];
}

/** An OBX; `detailed` adds the observation time, analyser, analysis time and performing lab. */
function obxLine(setId: number, o: Observation, detailed = false): string {
  const units = o.units === '' ? '' : `${o.units}^${o.units}^UCUM`;
  const line =
    `OBX|${setId}|${o.type}|${o.code}^${o.name}^LN||${o.rawValue}|${units}|${o.range}|` +
    `${o.flag}|||F`;
  if (!detailed) return line;
  return (
    `${line}|||20240611090500|RGT-CH^RGT Blood Sciences^L|C4455667^WRIGHT^EMMA^^^DR||` +
    `ANALYSER-07^Roche cobas^L|` +
    `20240611121800||||RGT Pathology^L^^^^RGT&&L`
  );
}

function message(segments: readonly string[]): string {
  return segments.join('\r') + '\r';
}

function utf8Length(text: string): number {
  return Buffer.byteLength(text, 'utf8');
}

/** The segments of fixture (a): one FBC order with 12 NM results and one escaped comment. */
function smallSegments(controlId: string): { segments: string[]; observations: Observation[] } {
  const observations = [...FULL_BLOOD_COUNT, SERVICE_COMMENT];
  const segments = [
    msh(controlId),
    ...PATIENT,
    ...order(1, 'FBC', 'Full blood count', 'HM'),
    ...observations.map((o, i) => obxLine(i + 1, o)),
  ];
  return { segments, observations };
}

/** (a) A ~1.5 KB ORU^R01 v2.5.1 with 13 OBX; OBX 13 (TX) holds every escape sequence. */
export function smallOru(): Fixture {
  const controlId = 'RGT-20240611-000123';
  const { segments, observations } = smallSegments(controlId);
  const text = message(segments);
  return {
    id: '(a)',
    title: '~1.5 KB ORU^R01, 13 OBX, every escape in one TX value',
    text,
    bytes: utf8Length(text),
    messageCount: 1,
    controlId,
    observations,
    escapedIndex: observations.length - 1,
  };
}

const PANELS: ReadonlyArray<{ code: string; name: string; section: string; obx: Observation[] }> = [
  {
    code: 'UE',
    name: 'Urea and electrolytes',
    section: 'CH',
    obx: [
      nm('2951-2', 'Sodium', '139', 'mmol/L', '133-146'),
      nm('2823-3', 'Potassium', '5.6', 'mmol/L', '3.5-5.3', 'H'),
      nm('3094-0', 'Urea', '7.1', 'mmol/L', '2.5-7.8'),
      nm('2160-0', 'Creatinine', '104', 'umol/L', '45-84', 'H'),
      nm('62238-1', 'eGFR (CKD-EPI)', '51', 'mL/min/{1.73_m2}', '>90', 'L'),
    ],
  },
  {
    code: 'LFT',
    name: 'Liver function tests',
    section: 'CH',
    obx: [
      nm('1975-2', 'Bilirubin', '9', 'umol/L', '0-21'),
      nm('1742-6', 'ALT', '23', 'U/L', '0-33'),
      nm('6768-6', 'Alkaline phosphatase', '88', 'U/L', '30-130'),
      nm('1751-7', 'Albumin', '41', 'g/L', '35-50'),
      nm('2885-2', 'Total protein', '72', 'g/L', '60-80'),
      nm('2324-2', 'Gamma GT', '61', 'U/L', '0-40', 'H'),
    ],
  },
  {
    code: 'LIP',
    name: 'Lipid profile',
    section: 'CH',
    obx: [
      nm('2093-3', 'Cholesterol', '5.9', 'mmol/L', '<5.0', 'H'),
      nm('2085-9', 'HDL cholesterol', '1.3', 'mmol/L', '>1.2'),
      nm('13457-7', 'LDL cholesterol', '3.8', 'mmol/L', '<3.0', 'H'),
      nm('2571-8', 'Triglyceride', '1.7', 'mmol/L', '<1.7'),
      nm('9830-1', 'Cholesterol/HDL ratio', '4.5', '{ratio}', '<4.0', 'H'),
    ],
  },
  {
    code: 'TFT',
    name: 'Thyroid function tests',
    section: 'CH',
    obx: [
      nm('3016-3', 'TSH', '2.41', 'mU/L', '0.27-4.20'),
      nm('3024-7', 'Free T4', '14.2', 'pmol/L', '12.0-22.0'),
    ],
  },
  {
    code: 'HBA1C',
    name: 'Haemoglobin A1c',
    section: 'CH',
    obx: [
      nm('59261-8', 'HbA1c (IFCC)', '49', 'mmol/mol', '20-41', 'H'),
      tx(
        '8251-1',
        'Service comment',
        'In keeping with diabetes (NICE NG28).\\.br\\Repeat in 3 months.',
        'In keeping with diabetes (NICE NG28).\nRepeat in 3 months.',
      ),
    ],
  },
  {
    code: 'CRP',
    name: 'C-reactive protein',
    section: 'CH',
    obx: [nm('1988-5', 'CRP', '12', 'mg/L', '0-5', 'H')],
  },
  { code: 'FBC', name: 'Full blood count', section: 'HM', obx: [...FULL_BLOOD_COUNT] },
  {
    code: 'COAG',
    name: 'Coagulation screen',
    section: 'HM',
    obx: [
      nm('5902-2', 'Prothrombin time', '12.4', 's', '10.0-13.0'),
      nm('6301-6', 'INR', '1.1', '{INR}', '0.8-1.2'),
      nm('14979-9', 'APTT', '31', 's', '25-36'),
      nm('3255-7', 'Fibrinogen', '3.2', 'g/L', '1.5-4.0'),
    ],
  },
];

const NOTES = [
  'NTE|1|L|Sample received 20240611 10:12; processed within stability limits.',
  'NTE|2|L|Results reported by RGT Pathology, UKAS accredited laboratory 8021.',
  'NTE|1|L|Potassium may be raised by delayed separation \\T\\ haemolysis; please repeat.',
];

/** (b) A ~10 KB ORU^R01: eight orders, 43 OBX, NTEs under orders and results. */
export function largeOru(): Fixture {
  const controlId = 'RGT-20240611-000456';
  const segments = [msh(controlId), ...PATIENT, 'NTE|1|P|Clinical details: tired, polyuria.'];
  const observations: Observation[] = [];
  PANELS.forEach((panel, p) => {
    segments.push(...order(p + 1, panel.code, panel.name, panel.section));
    segments.push(NOTES[p % 2] as string);
    panel.obx.forEach((o, i) => {
      segments.push(obxLine(i + 1, o, true));
      observations.push(o);
      if (o.flag === 'H' && i % 2 === 1) segments.push(NOTES[2] as string);
    });
  });
  const text = message(segments);
  return {
    id: '(b)',
    title: `~${Math.round(text.length / 1024)} KB ORU^R01, ${PANELS.length} orders, ${observations.length} OBX, NTEs`,
    text,
    bytes: utf8Length(text),
    messageCount: 1,
    controlId,
    observations,
    escapedIndex: -1,
  };
}

/** (c) A batch file (FHS/BHS ... BTS/FTS) of `count` messages shaped like (a). */
export function batchFile(count = 1000): Fixture {
  const header = [
    'FHS|^~\\&|WINPATH|RGT|TIE|GP-B86001|20240611150000||RGT-FILE-0042',
    'BHS|^~\\&|WINPATH|RGT|TIE|GP-B86001|20240611150000||RGT-BATCH-0042',
  ];
  const parts = [header.join('\r')];
  let observations: Observation[] = [];
  for (let i = 0; i < count; i++) {
    const controlId = `RGT-20240611-${String(100_000 + i)}`;
    const small = smallSegments(controlId);
    observations = small.observations;
    parts.push(small.segments.join('\r'));
  }
  parts.push(`BTS|${count}`, 'FTS|1');
  const text = parts.join('\r') + '\r';
  return {
    id: '(c)',
    title: `Batch file of ${count} ORU^R01 like (a) (FHS/BHS...BTS/FTS, ${(text.length / 1e6).toFixed(1)} MB)`,
    text,
    bytes: utf8Length(text),
    messageCount: count,
    controlId: 'RGT-20240611-100000',
    observations,
    escapedIndex: observations.length - 1,
  };
}

/** Delimiters for the non-default fixture: none of them occurs in the text of (a). */
const OTHER_DELIMITERS: Readonly<Record<string, string>> = {
  '|': '#',
  '^': '$',
  '~': '!',
  '\\': '@',
  '&': '%',
};

/**
 * (a) rewritten with MSH-1 `#` and MSH-2 `$!@%`. Every OBX reads as in (a) except the
 * escaped value, whose `\F\`-style sequences now stand for the new delimiters.
 * @throws Error when a new delimiter already occurs in (a), which would change its meaning.
 */
export function withOtherDelimiters(fixture: Fixture): string {
  for (const replacement of Object.values(OTHER_DELIMITERS)) {
    if (fixture.text.includes(replacement)) {
      throw new Error(`The fixture already holds '${replacement}'; pick another delimiter`);
    }
  }
  return fixture.text.replace(/[|^~\\&]/g, (ch) => OTHER_DELIMITERS[ch] ?? ch);
}

/** `text` with a UTF-8 byte order mark in front, as some Windows tools write files. */
export function withBom(text: string): string {
  return '\uFEFF' + text;
}

/**
 * Splits a batch into its messages: a message starts at each `MSH` line and ends before the
 * next MSH or batch segment (FHS, BHS, BTS, FTS). Lines end with `\r`, as in the fixture.
 * Shared by every library in the batch row so that all pay the same splitting cost.
 */
export function splitBatch(text: string): string[] {
  const messages: string[] = [];
  let start = text.startsWith('MSH|') ? 0 : -1;
  for (let end = text.indexOf('\r'); end >= 0; end = text.indexOf('\r', end + 1)) {
    const name = text.slice(end + 1, end + 5);
    if (!BOUNDARIES.has(name)) continue;
    if (start >= 0) messages.push(text.slice(start, end));
    start = name === 'MSH|' ? end + 1 : -1;
  }
  if (start >= 0) messages.push(text.slice(start));
  return messages;
}

const BOUNDARIES = new Set(['MSH|', 'FHS|', 'BHS|', 'BTS|', 'FTS|']);
