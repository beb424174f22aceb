/**
 * `masterdata.sync` (docs/gateway-commands.md): the cloud sends a gateway the master-data records
 * that changed since the version the gateway holds, in version order, in chunks; the gateway
 * applies a chunk in one transaction and acknowledges the version it now holds. A chunk that does
 * not start at the gateway's version is refused with VERSION_GAP naming the version it holds, so
 * the cloud resends from there. `reset: true` (a first sync, or after the cloud lost its log) clears
 * the gateway's records first; a reset arrives in chunks too, the first with reset, the rest not.
 */
import { z } from 'zod';
import { masterDataKinds, masterRecordSchemas, type MasterDataKind } from '../../config/master-data-schema.ts';

/** The most changes the cloud puts in one command (keeps each command well under the broker's limits). */
export const MAX_SYNC_CHANGES = 500;

export const masterDataChangeSchema = z.strictObject({
  kind: z.enum(masterDataKinds),
  key: z.string().min(1).max(200),
  /** The version this change made; strictly increasing within a chunk. */
  version: z.number().int().positive(),
  /** The record as it is now; absent when it was deleted. */
  value: z.record(z.string(), z.unknown()).optional(),
}).superRefine((change, ctx) => {
  if (change.value === undefined) return;
  const parsed = masterRecordSchemas[change.kind as MasterDataKind].safeParse(change.value);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) ctx.addIssue({ code: 'custom', path: ['value', ...issue.path.map(String)], message: issue.message });
  }
});
export type MasterDataChange = z.infer<typeof masterDataChangeSchema>;

export const masterDataSyncArgsSchema = z.strictObject({
  /** The version the gateway must hold for this chunk to apply (0 with reset). */
  fromVersion: z.number().int().nonnegative(),
  /** The version the gateway holds after this chunk. */
  toVersion: z.number().int().nonnegative(),
  reset: z.boolean().default(false),
  changes: z.array(masterDataChangeSchema).max(MAX_SYNC_CHANGES),
}).refine((a) => a.toVersion >= a.fromVersion, { message: 'toVersion is below fromVersion', path: ['toVersion'] });
export type MasterDataSyncArgs = z.input<typeof masterDataSyncArgsSchema>;

/** The acknowledgement's result. */
export interface MasterDataSyncResult {
  version: number;
  applied: number;
}

/** What the gateway reports holding (in its config report as `masterData`). */
export const masterDataReportSchema = z.object({ version: z.number().int().nonnegative() });
export type MasterDataReport = z.infer<typeof masterDataReportSchema>;
