/**
 * The inventory seed file (`*.inventory.yaml`, example in examples/demo-plant.inventory.yaml):
 * what the cloud's inventory core, tooling and fusion start with on a first start, beside the
 * master-data seed (which gives the items, lots, shelves and opening stock). The records are the
 * parts' own input shapes (cloud/tooling/tooling-types.ts, cloud/tooling/production-schedule.ts,
 * cloud/inventory/fusion/fusion-types.ts); each part checks its records again when they are
 * applied, so this schema checks shape and the references a part cannot see.
 *
 * Production orders give their start as `startsInHours` from the moment the file is applied, so
 * a demo's schedule always lies ahead of it.
 */
import { z } from 'zod';

const code = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._\-]{0,63}$/, 'use 1 to 64 letters, digits and . _ - (starting with a letter or digit)');
const day = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'expected a date as YYYY-MM-DD');
const tagRef = z.strictObject({ group: z.string().min(1), edge: z.string().min(1), device: z.string().min(1), tag: z.string().min(1) });

export const toolingAssetSeed = z.strictObject({
  id: code,
  kind: z.enum(['mold', 'sub_mold', 'insert']),
  serial: z.string().min(1).max(64),
  name: z.string().min(1).max(200),
  parent: code.nullable().optional(),
  position: z.string().max(64).nullable().optional(),
  partNumber: z.string().max(64).nullable().optional(),
  status: z.enum(['in_service', 'spare', 'maintenance', 'scrapped']).optional(),
  location: z.string().max(64).nullable().optional(),
  certificates: z.array(z.strictObject({ number: z.string().min(1), materialGrade: z.string().min(1), supplier: z.string().min(1), issued: day })).optional(),
  heatTreatment: z.strictObject({
    hardnessHrc: z.number(), temperingTemperatureC: z.number(),
    temperingCycles: z.number().int().nullable(), temperingHours: z.number().nullable(),
  }).nullable().optional(),
  cteUmPerMK: z.number().min(0).nullable().optional(),
  lifeShots: z.number().int().positive().nullable().optional(),
  warnAtShots: z.number().int().positive().nullable().optional(),
  openingShots: z.number().int().min(0).optional(),
});

export const inventorySeedFileSchema = z.strictObject({
  /** Sales channels sellable figures are computed for. */
  channels: z.array(z.strictObject({ id: code, name: z.string().min(1).max(100), quotaPct: z.number().min(0).max(100).optional() })).default([]),
  tooling: z.strictObject({
    /** Parents before children. */
    assets: z.array(toolingAssetSeed).default([]),
    machines: z.array(z.strictObject({
      id: code, name: z.string().max(100).nullable().optional(),
      counter: tagRef.nullable(), moldIdTag: tagRef.nullable().optional(), cycleTimeS: z.number().positive().nullable().optional(),
    })).default([]),
    productionOrders: z.array(z.strictObject({
      id: code, machine: code, mold: code.nullable().optional(), sku: code, qty: z.number().positive(),
      startsInHours: z.number().min(-24 * 365).max(24 * 365), durationHours: z.number().positive().max(24 * 60),
      note: z.string().max(200).nullable().optional(),
    })).default([]),
  }).default({ assets: [], machines: [], productionOrders: [] }),
  /** Who supplies what, for replenishment suggestions (cloud/forecasting/replenishment.ts). */
  replenishment: z.strictObject({
    suppliers: z.array(z.strictObject({
      id: code, name: z.string().min(1).max(100), leadTimeMeanDays: z.number().positive(), leadTimeSdDays: z.number().min(0),
      onTimeInFullRate: z.number().gt(0).max(1), minOrderQty: z.number().min(0).optional(), packSize: z.number().positive().optional(),
    })).default([]),
    /** `location` is the warehouse the SKU is replenished at (the bridge's WH for master-data shelves). */
    sourcing: z.array(z.strictObject({
      sku: code, location: code, supplier: code, reviewPeriodDays: z.number().int().positive(), serviceLevel: z.number().gt(0).lt(1).optional(),
    })).default([]),
  }).default({ suppliers: [], sourcing: [] }),
  fusion: z.strictObject({
    sources: z.array(z.strictObject({
      id: code, name: z.string().min(1).max(100), kind: z.enum(['ecommerce', 'pos', 'wms', 'manual', 'erp']),
      channel: code.nullable().optional(), trust: z.number().min(0).max(1),
      tolerancePct: z.number().min(0).optional(), toleranceAbs: z.number().min(0).optional(),
    })).default([]),
    /** The semantic dictionary's first version (checked by the fusion part when applied). */
    dictionary: z.strictObject({
      sources: z.array(z.strictObject({ figure: z.string().min(1), formula: z.string().min(1), note: z.string().optional() })),
      targets: z.array(z.strictObject({ figure: z.string().min(1), formula: z.string().min(1), note: z.string().optional() })),
      arbitration: z.array(z.strictObject({
        id: code, buckets: z.array(z.string().min(1)).min(1), prefer: z.array(z.string().min(1)).min(1),
        tieBreak: z.enum(['newest', 'trust']).optional(), why: z.string().min(1).optional(),
      })),
    }).optional(),
    /** Reports to replay on a first start (a demo's sources having spoken once). */
    reports: z.array(z.strictObject({
      source: code, messageId: z.string().min(1).max(200), sku: code, figure: z.string().min(1), value: z.number(), raw: z.string().max(10_000).optional(),
    })).default([]),
  }).default({ sources: [], reports: [] }),
});
export type InventorySeedFile = z.infer<typeof inventorySeedFileSchema>;
