/**
 * The JSON schemas of the tooling routes (routes/tooling.ts): request bodies (strict, each field
 * saying what to send) and answers (cloud/tooling/tooling-types.ts as JSON). Kept apart so the
 * route file reads as the list of routes.
 */
import { attachmentTypes } from '../../tooling/attachment-files.ts';
import { assetKinds, assetStatuses } from '../../tooling/tooling-types.ts';

export const idField = (expected: string) => ({ type: 'string', pattern: '^[A-Za-z0-9][A-Za-z0-9._/-]{0,63}$', 'x-expected': expected } as const);
const str = { type: 'string' } as const;
const nullableString = { type: ['string', 'null'] } as const;
const nullableNumber = { type: ['number', 'null'] } as const;
const nullableInteger = { type: ['integer', 'null'] } as const;
const day = (what: string) => ({ type: 'string', pattern: '^\\d{4}-\\d{2}-\\d{2}$', description: `${what}, YYYY-MM-DD.`, 'x-expected': 'a date as YYYY-MM-DD' } as const);
const obj = (required: readonly string[], properties: Record<string, unknown>, extra: Record<string, unknown> = {}) =>
  ({ type: 'object', additionalProperties: false, required, properties, ...extra });
const text = (max: number, expected: string) => ({ type: 'string', minLength: 1, maxLength: max, 'x-expected': expected } as const);
const nullableText = (max: number, expected: string) => ({ type: ['string', 'null'], maxLength: max, 'x-expected': expected } as const);

const heatTreatment = obj(['hardnessHrc', 'temperingTemperatureC', 'temperingCycles', 'temperingHours'], {
  hardnessHrc: { type: 'number', description: 'Hardness, HRC.' }, temperingTemperatureC: { type: 'number', description: 'Tempering temperature, °C.' },
  temperingCycles: nullableInteger, temperingHours: { ...nullableNumber, description: 'Hours per tempering cycle.' },
});
const tagRef = obj(['group', 'edge', 'device', 'tag'], { group: str, edge: str, device: str, tag: str }, { description: 'A Sparkplug metric: group / edge node / device / metric name.' });

// ---- answers -----------------------------------------------------------------------------------

const assetProperties = {
  id: str, kind: { type: 'string', enum: assetKinds }, serial: str, name: str, parent: nullableString, position: nullableString, partNumber: nullableString,
  status: { type: 'string', enum: assetStatuses }, location: nullableString,
  certificates: { type: 'array', items: obj(['number', 'materialGrade', 'supplier', 'issued', 'attachmentIds'], { number: str, materialGrade: str, supplier: str, issued: str, attachmentIds: { type: 'array', items: { type: 'integer' } } }) },
  heatTreatment: { ...heatTreatment, type: ['object', 'null'] },
  cteUmPerMK: { ...nullableNumber, description: 'Thermal expansion coefficient, µm/(m·K).' },
  lifeShots: nullableInteger, warnAtShots: nullableInteger, shots: { type: 'integer' },
  lifePct: { ...nullableInteger, description: 'round(100 * shots / lifeShots).' },
  lifeState: { type: 'string', enum: ['ok', 'warning', 'over_life'] },
  motherMold: { ...nullableString, description: 'The root mold of its tree.' }, machine: { ...nullableString, description: 'Where its mother mold is mounted now.' },
  updatedAt: { type: 'integer' },
};
export const assetSchema = obj(Object.keys(assetProperties), assetProperties);

/** Nested explicitly a few levels deep (mold > sub-molds > inserts); deeper levels are written as they are. */
function nodeSchema(depth: number): object {
  const children = depth === 0 ? { type: 'array' } : { type: 'array', items: nodeSchema(depth - 1) };
  return obj([...Object.keys(assetProperties), 'children'], { ...assetProperties, children });
}
export const assetNodeSchema = nodeSchema(5);

export const attachmentSchema = obj(['id', 'assetId', 'inspectionId', 'certificate', 'filename', 'contentType', 'sizeBytes', 'sha256', 'createdAt'], {
  id: { type: 'integer' }, assetId: str, inspectionId: nullableInteger, certificate: nullableString, filename: str, contentType: str,
  sizeBytes: { type: 'integer' }, sha256: str, createdAt: { type: 'integer' },
});

const measurement = obj(['name', 'value'], { name: str, value: { type: 'number' }, unit: nullableString });
export const inspectionSchema = obj(['id', 'assetId', 'date', 'inspector', 'result', 'measurements', 'notes', 'shotsAtInspection', 'attachments', 'createdAt', 'actor'], {
  id: { type: 'integer' }, assetId: str, date: str, inspector: str, result: { type: 'string', enum: ['ok', 'wear', 'crack', 'other'] },
  measurements: { type: 'array', items: measurement }, notes: nullableString, shotsAtInspection: { type: 'integer' },
  attachments: { type: 'array', items: attachmentSchema }, createdAt: { type: 'integer' }, actor: str,
});

const maintenanceWindow = {
  type: ['object', 'null'], additionalProperties: true, required: ['machine', 'start', 'end'],
  description: 'From the schedule part (cloud/tooling/maintenance-window.ts MaintenanceWindow); null without it.',
  properties: { machine: str, start: { type: 'integer' }, end: { type: 'integer' }, explanation: str },
};

export const recommendationSchema = obj(['assetId', 'motherMold', 'toleranceUmPerMK', 'candidates', 'excluded', 'advice', 'lastInspections', 'maintenanceWindow'], {
  assetId: str,
  motherMold: { type: ['object', 'null'], additionalProperties: false, required: ['id', 'cteUmPerMK'], properties: { id: str, cteUmPerMK: nullableNumber } },
  toleranceUmPerMK: { type: 'number' },
  candidates: {
    type: 'array', description: 'Ranked by |delta CTE| to the mother mold, then remaining life.',
    items: obj(['id', 'serial', 'name', 'location', 'cteUmPerMK', 'deltaCteUmPerMK', 'shots', 'lifeShots', 'remainingShots'], {
      id: str, serial: str, name: str, location: nullableString, cteUmPerMK: { type: 'number' }, deltaCteUmPerMK: { type: 'number' },
      shots: { type: 'integer' }, lifeShots: nullableInteger, remainingShots: nullableInteger,
    }),
  },
  excluded: { type: 'array', description: 'Spares of the same kind left out, and why.', items: obj(['id', 'reason'], { id: str, reason: str }) },
  advice: str,
  lastInspections: { type: 'array', items: inspectionSchema },
  maintenanceWindow,
});

export const warningSchema = obj(['assetId', 'kind', 'serial', 'state', 'shots', 'lifeShots', 'warnAtShots', 'lifePct', 'motherMold', 'machine', 'message', 'recommendation'], {
  assetId: str, kind: { type: 'string', enum: assetKinds }, serial: str, state: { type: 'string', enum: ['warning', 'over_life'] },
  shots: { type: 'integer' }, lifeShots: { type: 'integer' }, warnAtShots: nullableInteger, lifePct: { type: 'integer' },
  motherMold: nullableString, machine: nullableString, message: str, recommendation: recommendationSchema,
});

export const machineSchema = obj(['id', 'name', 'counter', 'moldIdTag', 'cycleTimeS', 'mold', 'mountedAt', 'lastCounter'], {
  id: str, name: nullableString, counter: { ...tagRef, type: ['object', 'null'] }, moldIdTag: { ...tagRef, type: ['object', 'null'] },
  cycleTimeS: nullableNumber, mold: nullableString, mountedAt: nullableInteger,
  lastCounter: { type: ['object', 'null'], additionalProperties: false, required: ['ts', 'value'], properties: { ts: { type: 'integer' }, value: { type: 'number' } } },
});

export const mountSchema = obj(['id', 'machine', 'mold', 'from', 'to', 'source', 'actor'], {
  id: { type: 'integer' }, machine: str, mold: str, from: { type: 'integer' }, to: nullableInteger, source: { type: 'string', enum: ['api', 'tag'] }, actor: str,
});

export const feedSchema = obj(['polls', 'samplesRead', 'shotsCounted', 'resets', 'badSkipped', 'unattributedShots', 'autoMounts', 'errors', 'lastPollAt', 'lastError'], {
  polls: { type: 'integer' }, samplesRead: { type: 'integer' }, shotsCounted: { type: 'integer' }, resets: { type: 'integer' }, badSkipped: { type: 'integer' },
  unattributedShots: { type: 'integer' }, autoMounts: { type: 'integer' }, errors: { type: 'integer' }, lastPollAt: nullableInteger, lastError: nullableString,
});

// ---- bodies ------------------------------------------------------------------------------------

const nonNegative = (expected: string) => ({ type: ['number', 'null'], minimum: 0, 'x-expected': expected } as const);
export const assetBody = obj(['kind', 'serial', 'name'], {
  kind: { type: 'string', enum: assetKinds, 'x-expected': 'mold, sub_mold or insert' },
  serial: text(64, 'the serial number, 1 to 64 characters'),
  name: text(200, 'a name of 1 to 200 characters'),
  parent: { type: ['string', 'null'], 'x-expected': 'the id of the mold or sub-mold it sits in, or null' },
  position: nullableText(64, 'where in the parent, e.g. cavity-2, or null'),
  partNumber: nullableText(64, 'the part (drawing) number shared by interchangeable parts, or null'),
  status: { type: 'string', enum: assetStatuses, 'x-expected': 'in_service, spare, maintenance or scrapped' },
  location: nullableText(64, 'where a spare is kept, e.g. TOOL-ROOM/R3, or null'),
  certificates: {
    type: 'array', maxItems: 20, 'x-expected': 'a list of { number, materialGrade, supplier, issued (YYYY-MM-DD) }',
    items: obj(['number', 'materialGrade', 'supplier', 'issued'], { number: str, materialGrade: str, supplier: str, issued: str }),
  },
  heatTreatment: {
    ...heatTreatment, type: ['object', 'null'], 'x-expected': '{ hardnessHrc, temperingTemperatureC, temperingCycles, temperingHours } or null',
  },
  cteUmPerMK: nonNegative('the thermal expansion coefficient in µm/(m·K), >= 0 (tool steel: about 11 to 13), or null'),
  lifeShots: { type: ['integer', 'null'], minimum: 1, 'x-expected': 'the life in shots (e.g. 9000), or null' },
  warnAtShots: { type: ['integer', 'null'], minimum: 0, 'x-expected': 'warn from this many shots (e.g. 8500), at most lifeShots, or null' },
  openingShots: { type: 'integer', minimum: 0, 'x-expected': 'shots made before it was registered (only when creating)' },
});

export const replaceBody = obj(['with'], {
  with: idField('the id of the spare that goes in'),
  retiredStatus: { type: 'string', enum: ['spare', 'maintenance', 'scrapped'], 'x-expected': 'spare, maintenance (default) or scrapped' },
  location: nullableText(64, 'where the removed asset goes, or null'),
  at: { type: 'integer', minimum: 0, 'x-expected': 'when, epoch milliseconds (default now)' },
});

const attachment = obj(['filename', 'contentType', 'dataBase64'], {
  filename: text(200, 'a file name'), contentType: { type: 'string', 'x-expected': attachmentTypes.join(', ') }, dataBase64: { type: 'string', 'x-expected': 'the file in base64' },
});
export const attachmentBody = obj(['filename', 'contentType', 'dataBase64'], {
  ...attachment.properties,
  certificate: { type: ['string', 'null'], 'x-expected': 'the number of one of the asset\'s certificates, or null' },
});

export const inspectionBody = obj(['date', 'inspector', 'result'], {
  date: day('When it was inspected'),
  inspector: text(200, 'the inspector\'s name'),
  result: { type: 'string', enum: ['ok', 'wear', 'crack', 'other'], 'x-expected': 'ok, wear, crack or other' },
  measurements: {
    type: 'array', maxItems: 200, 'x-expected': 'a list of { name, value, unit? }',
    items: obj(['name', 'value'], { name: text(200, 'what was measured'), value: { type: 'number' }, unit: nullableString }),
  },
  notes: nullableText(4000, 'notes, or null'),
  attachments: { type: 'array', maxItems: 10, items: attachment, 'x-expected': `up to 10 files { filename, contentType (${attachmentTypes.join(', ')}), dataBase64 }` },
});

export const machineBody = obj(['counter'], {
  name: nullableText(200, 'a name, or null'),
  counter: { ...tagRef, type: ['object', 'null'], 'x-expected': 'the shot counter tag { group, edge, device, tag } (e.g. device press-plc, tag IMM-01/shot-counter), or null' },
  moldIdTag: { ...tagRef, type: ['object', 'null'], 'x-expected': 'the mold-id tag { group, edge, device, tag }, or null' },
  cycleTimeS: { type: ['number', 'null'], exclusiveMinimum: 0, 'x-expected': 'the nominal cycle time in seconds, or null' },
});

export const mountBody = obj(['mold'], {
  mold: { type: ['string', 'null'], 'x-expected': 'the id of a mold, or null to unmount' },
  at: { type: 'integer', minimum: 0, 'x-expected': 'when, epoch milliseconds (default now)' },
});
