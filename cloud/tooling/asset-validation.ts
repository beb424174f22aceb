/**
 * The BOM rules and field checks for a tooling asset, as a pure function of the input, the stored
 * asset (on an update) and a lookup of the others: every refusal names the field and the fix
 * (unknown parent, a cycle, an insert in service without a mold, warn above life, a negative
 * CTE, ...). tooling-assets.ts calls it inside the writing transaction.
 */
import { invalid, ToolingError } from './tooling-errors.ts';
import type { AssetKind, AssetStatus, HeatTreatment, MaterialCertificateInput, ToolingAssetInput } from './tooling-types.ts';

/** An asset as stored, before derived figures (life %, mother mold, machine) are added. */
export interface AssetRecord {
  id: string;
  kind: AssetKind;
  serial: string;
  name: string;
  parent: string | null;
  position: string | null;
  partNumber: string | null;
  status: AssetStatus;
  location: string | null;
  heatTreatment: HeatTreatment | null;
  cteUmPerMK: number | null;
  lifeShots: number | null;
  warnAtShots: number | null;
  shots: number;
  certificates: MaterialCertificateInput[];
}

export interface AssetLookup {
  asset(id: string): AssetRecord | undefined;
  /** The chain of parents of `id`, nearest first. */
  ancestorsOf(id: string): string[];
  /** The id of another asset with this serial, if any. */
  serialOwner(serial: string): string | undefined;
}

const kindWords: Record<AssetKind, string> = { mold: 'mold', sub_mold: 'sub-mold', insert: 'insert' };
export const assetLabel = (a: { kind: AssetKind; id: string }): string => `${kindWords[a.kind]} ${a.id}`;

/** Which kinds may hold which: a mold and a sub-mold hold sub-molds and inserts; an insert holds nothing. */
const holds: Record<AssetKind, readonly AssetKind[]> = { mold: ['sub_mold', 'insert'], sub_mold: ['sub_mold', 'insert'], insert: [] };

const ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._/-]{0,63}$/;
const DAY_PATTERN = /^(\d{4})-(\d{2})-(\d{2})$/;

export function isDay(text: string): boolean {
  const m = DAY_PATTERN.exec(text);
  if (!m) return false;
  const d = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
  return d.toISOString().slice(0, 10) === text;
}

function text(field: string, value: string, max = 200): string {
  const trimmed = value.trim();
  if (trimmed.length === 0 || trimmed.length > max) throw invalid(field, `${JSON.stringify(value)} is empty or longer than ${max} characters; send 1 to ${max} characters`);
  return trimmed;
}

function optionalText(field: string, value: string | null | undefined, max = 200): string | null {
  return value === null || value === undefined || value.trim() === '' ? null : text(field, value, max);
}

function wholeShots(field: string, value: number): number {
  if (!Number.isSafeInteger(value) || value < 0) throw invalid(field, `${value} is not a whole number of shots >= 0`);
  return value;
}

function checkHeatTreatment(h: HeatTreatment | null): HeatTreatment | null {
  if (h === null) return null;
  const between = (field: keyof HeatTreatment, v: number | null, min: number, max: number, what: string) => {
    if (v !== null && (!Number.isFinite(v) || v < min || v > max)) throw invalid(`heatTreatment.${field}`, `${v} is outside ${min}..${max}; send ${what}`);
  };
  between('hardnessHrc', h.hardnessHrc, 0, 80, 'the hardness in HRC (tool steels: about 40 to 62)');
  between('temperingTemperatureC', h.temperingTemperatureC, 0, 1000, 'the tempering temperature in °C');
  if (h.temperingCycles !== null && (!Number.isSafeInteger(h.temperingCycles) || h.temperingCycles < 0 || h.temperingCycles > 20)) {
    throw invalid('heatTreatment.temperingCycles', `${h.temperingCycles} is not a whole number of cycles from 0 to 20`);
  }
  between('temperingHours', h.temperingHours, 0, 1000, 'the hours per tempering cycle');
  return { hardnessHrc: h.hardnessHrc, temperingTemperatureC: h.temperingTemperatureC, temperingCycles: h.temperingCycles, temperingHours: h.temperingHours };
}

function checkCertificates(list: MaterialCertificateInput[]): MaterialCertificateInput[] {
  const seen = new Set<string>();
  return list.map((c, i) => {
    const number = text(`certificates.${i}.number`, c.number, 64);
    if (seen.has(number)) throw invalid(`certificates.${i}.number`, `${number} is listed twice; list each certificate once`);
    seen.add(number);
    if (!isDay(c.issued)) throw invalid(`certificates.${i}.issued`, `${JSON.stringify(c.issued)} is not a date; send YYYY-MM-DD`);
    return { number, materialGrade: text(`certificates.${i}.materialGrade`, c.materialGrade, 64), supplier: text(`certificates.${i}.supplier`, c.supplier), issued: c.issued };
  });
}

/**
 * The asset to store for `input`, merged over `existing` (fields left out keep their value).
 * Throws a ToolingError naming the first field at fault.
 */
export function checkAssetInput(input: ToolingAssetInput, existing: AssetRecord | undefined, lookup: AssetLookup): AssetRecord {
  if (!ID_PATTERN.test(input.id)) throw invalid('id', `${JSON.stringify(input.id)} is not an asset id; send 1 to 64 letters, digits, . _ / -, starting with a letter or digit`);
  if (existing && existing.kind !== input.kind) {
    throw invalid('kind', `${input.id} is a ${kindWords[existing.kind]}, not a ${kindWords[input.kind]}; the kind of an asset cannot change: register a new asset`);
  }
  if (existing && input.openingShots !== undefined) {
    throw invalid('openingShots', `${input.id} exists; its shots are counted by the edge from now on: leave openingShots out`);
  }
  const pick = <K extends keyof ToolingAssetInput & keyof AssetRecord>(key: K, fallback: AssetRecord[K]): AssetRecord[K] =>
    (input[key] !== undefined ? input[key] : existing ? existing[key] : fallback) as AssetRecord[K];

  const serial = text('serial', input.serial, 64);
  const owner = lookup.serialOwner(serial);
  if (owner !== undefined && owner !== input.id) throw new ToolingError('CONFLICT', 'serial', `serial: ${serial} is the serial of ${owner} already; serial numbers are unique`);

  const parent = pick('parent', null);
  const lifeShots = pick('lifeShots', null);
  const warnAtShots = pick('warnAtShots', null);
  const cteUmPerMK = pick('cteUmPerMK', null);
  const status = input.status ?? existing?.status ?? (input.kind === 'mold' || parent !== null ? 'in_service' : 'spare');

  if (parent !== null) {
    if (input.kind === 'mold') throw invalid('parent', `a mold is the top of its tree and sits in nothing; send parent null (sub-molds and inserts sit in molds)`);
    const holder = lookup.asset(parent);
    if (!holder) throw invalid('parent', `no asset ${JSON.stringify(parent)}; register the mold or sub-mold first, or send parent null`);
    if (parent === input.id || lookup.ancestorsOf(parent).includes(input.id)) {
      throw invalid('parent', `${parent} sits inside ${input.id}; putting ${input.id} into it would make a cycle`);
    }
    if (!holds[holder.kind].includes(input.kind)) {
      throw invalid('parent', `${assetLabel(holder)} cannot hold a ${kindWords[input.kind]}; ${kindWords[input.kind]}s sit in a mold or sub-mold`);
    }
    if (holder.status === 'scrapped') throw invalid('parent', `${assetLabel(holder)} is scrapped; put ${input.id} into an asset in use`);
    if (status !== 'in_service') throw invalid('status', `a ${status} ${kindWords[input.kind]} sits in no mold; send status in_service, or parent null to take it out`);
  } else if (status === 'in_service' && input.kind !== 'mold') {
    throw invalid('parent', `an in-service ${kindWords[input.kind]} needs the mold or sub-mold it sits in; send parent, or status spare (with a location)`);
  }

  if (lifeShots !== null && (!Number.isSafeInteger(lifeShots) || lifeShots <= 0)) throw invalid('lifeShots', `${lifeShots} is not a whole number of shots > 0; send the life (e.g. 9000) or null`);
  if (warnAtShots !== null) {
    wholeShots('warnAtShots', warnAtShots);
    if (lifeShots === null) throw invalid('warnAtShots', `a warning threshold needs a life; send lifeShots too (e.g. 9000 with warnAtShots 8500)`);
    if (warnAtShots > lifeShots) throw invalid('warnAtShots', `${warnAtShots} is above the life of ${lifeShots} shots; send a threshold at or below lifeShots`);
  }
  if (cteUmPerMK !== null && (!Number.isFinite(cteUmPerMK) || cteUmPerMK < 0 || cteUmPerMK > 100)) {
    throw invalid('cteUmPerMK', `${cteUmPerMK} is not a thermal expansion coefficient; send µm/(m·K) from 0 to 100 (tool steel: about 10 to 13)`);
  }
  const shots = existing ? existing.shots : wholeShots('openingShots', input.openingShots ?? 0);

  return {
    id: input.id,
    kind: input.kind,
    serial,
    name: text('name', input.name),
    parent,
    position: optionalText('position', pick('position', null), 64),
    partNumber: optionalText('partNumber', pick('partNumber', null), 64),
    status,
    location: optionalText('location', pick('location', null), 64),
    heatTreatment: checkHeatTreatment(pick('heatTreatment', null)),
    cteUmPerMK,
    lifeShots,
    warnAtShots,
    shots,
    certificates: checkCertificates(input.certificates ?? existing?.certificates ?? []),
  };
}
