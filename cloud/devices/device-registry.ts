/**
 * The device registry (issue 6): PDAs and shelf sensors that log in to a gateway's local device
 * broker. Devices are master records of kind `device` (config/master-data-schema.ts), so they reach
 * every gateway with the rest of master data through `masterdata.sync`; only a scrypt hash of a
 * password is stored, and a new password is returned once, by create and rotate, never again.
 *
 * Audit entries are the routes' part (they know the caller's address), as for gateway credentials.
 */
import type { DeviceRecord } from '../../config/master-data-schema.ts';
import { generateDevicePassword, hashDevicePassword } from '../../devices/device-credentials.ts';
import { UnknownMasterRecordError } from '../masterdata/master-data-errors.ts';
import type { MasterDataStore, StoredRecord } from '../masterdata/master-data-store.ts';

export type DeviceKind = DeviceRecord['kind'];

/** A device as the registry shows it: never its hash. */
export interface DeviceView {
  id: string;
  kind: DeviceKind;
  enabled: boolean;
  note: string | null;
  createdAt: number;
  /** The device's latest scan (ms since the epoch) and who scanned, from the scan records. */
  lastSeenAt: number | null;
  lastOperator: string | null;
}

/** What the registry knows of a device's last use (cloud/scans gives it as lastSeenOf). */
export type LastSeen = (deviceId: string) => { at: number; operator: string } | null | undefined;

export class DeviceExistsError extends Error {
  constructor(readonly id: string) {
    super(`id: a device "${id}" exists already; rotate its password (POST /api/devices/${id}/rotate) or choose another id`);
    this.name = 'DeviceExistsError';
  }
}

export class DeviceRegistry {
  readonly #store: MasterDataStore;
  readonly #lastSeen: LastSeen;
  readonly #newPassword: () => string;

  constructor(store: MasterDataStore, options: { lastSeen?: LastSeen; newPassword?: () => string } = {}) {
    this.#store = store;
    this.#lastSeen = options.lastSeen ?? (() => null);
    this.#newPassword = options.newPassword ?? generateDevicePassword;
  }

  list(): DeviceView[] {
    return this.#store.list('device').map((record) => this.#view(record));
  }

  get(id: string): DeviceView {
    return this.#view(this.#record(id));
  }

  /** A new device with a new password: the answer is the only place the password appears. */
  async create(input: { id: string; kind: DeviceKind; note?: string }, { by }: { by: string }): Promise<{ device: DeviceView; password: string; version: number }> {
    if (this.#store.get('device', input.id)) throw new DeviceExistsError(input.id);
    const password = this.#newPassword();
    const passwordHash = await hashDevicePassword(password);
    // Checked again after hashing (which yields): two creates of one id must not both succeed.
    if (this.#store.get('device', input.id)) throw new DeviceExistsError(input.id);
    const value: DeviceRecord = { id: input.id, kind: input.kind, passwordHash, enabled: true, ...(input.note !== undefined ? { note: input.note } : {}) };
    const outcome = this.#store.put('device', value, { by, key: input.id });
    return { device: this.#view(outcome.record), password, version: outcome.version };
  }

  /** A new password for the device; the old one stops working once gateways have the change. */
  async rotate(id: string, { by }: { by: string }): Promise<{ device: DeviceView; password: string; version: number }> {
    this.#record(id);
    const password = this.#newPassword();
    const passwordHash = await hashDevicePassword(password);
    const current = this.#record(id).value;
    const outcome = this.#store.put('device', { ...current, passwordHash }, { by, key: id });
    return { device: this.#view(outcome.record), password, version: outcome.version };
  }

  /** Enables or disables the device, or changes its note (an empty note removes it). */
  update(id: string, change: { enabled?: boolean; note?: string }, { by }: { by: string }): { before: DeviceView; device: DeviceView; version: number } {
    const record = this.#record(id);
    const { note: _note, ...rest } = record.value;
    const note = change.note === undefined ? record.value.note : change.note === '' ? undefined : change.note;
    const value: DeviceRecord = { ...rest, enabled: change.enabled ?? record.value.enabled, ...(note !== undefined ? { note } : {}) };
    const outcome = this.#store.put('device', value, { by, key: id });
    return { before: this.#view(record), device: this.#view(outcome.record), version: outcome.version };
  }

  #record(id: string): StoredRecord<'device'> {
    const record = this.#store.get('device', id);
    if (!record) throw new UnknownMasterRecordError('device', id);
    return record;
  }

  #view(record: StoredRecord<'device'>): DeviceView {
    const seen = this.#lastSeen(record.key) ?? null;
    return {
      id: record.value.id, kind: record.value.kind, enabled: record.value.enabled, note: record.value.note ?? null,
      createdAt: record.createdAt, lastSeenAt: seen?.at ?? null, lastOperator: seen?.operator ?? null,
    };
  }
}
