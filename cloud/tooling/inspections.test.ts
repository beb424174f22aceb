/**
 * Inspection reports and attachments on a real SQLite file: files are stored as sent and read
 * back byte for byte; a file whose bytes are not its declared type, an unknown type, bad base64
 * or a bad field is refused naming the field, and leaves no report behind.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MAX_ATTACHMENT_BYTES } from './attachment-files.ts';
import { openToolingWorld, PDF, PNG, seedPlant, type ToolingWorld } from './testing/tooling-fixture.ts';
import type { InspectionInput } from './tooling-types.ts';


describe('Inspections', () => {
  let world: ToolingWorld;
  beforeEach(() => {
    world = openToolingWorld();
    seedPlant(world);
  });
  afterEach(() => world.close());

  const report = (fields: Partial<InspectionInput> = {}): InspectionInput => ({
    date: '2026-03-02', inspector: 'Li Wei', result: 'wear', measurements: [{ name: 'cavity depth', value: 11.98, unit: 'mm' }], notes: 'edge rounding at gate', ...fields,
  });

  it('stores a report with its files and serves the files back byte for byte', () => {
    const saved = world.tooling.api.addInspection('INS-0042', report({
      attachments: [{ filename: 'INS-0042 report.pdf', contentType: 'application/pdf', dataBase64: PDF.toString('base64') }, { filename: 'gate.png', contentType: 'image/png', dataBase64: PNG.toString('base64') }],
    }), 'qa');
    expect(saved).toMatchObject({ assetId: 'INS-0042', result: 'wear', inspector: 'Li Wei', shotsAtInspection: 0, actor: 'qa', notes: 'edge rounding at gate' });
    expect(saved.attachments.map((a) => [a.filename, a.contentType, a.sizeBytes])).toEqual([['INS-0042 report.pdf', 'application/pdf', PDF.length], ['gate.png', 'image/png', PNG.length]]);
    const file = world.tooling.api.attachment(saved.attachments[0]!.id)!;
    expect(file.data.equals(PDF)).toBe(true);
    expect(world.tooling.api.inspections('INS-0042')).toEqual([saved]);
  });

  it('refuses files that are not what they say, naming the field, and keeps no report', () => {
    const cases: Array<[InspectionInput['attachments'], string, RegExp]> = [
      [[{ filename: 'r.pdf', contentType: 'application/pdf', dataBase64: PNG.toString('base64') }], 'attachments.0.contentType', /not a application\/pdf file/],
      [[{ filename: 'r.exe', contentType: 'application/x-msdownload', dataBase64: 'TVqQAAMAAAAEAAAA' }], 'attachments.0.contentType', /is not taken/],
      [[{ filename: 'a.png', contentType: 'image/png', dataBase64: PNG.toString('base64') }, { filename: 'r.pdf', contentType: 'application/pdf', dataBase64: '%%%not base64' }], 'attachments.1.dataBase64', /not base64/],
      [[{ filename: '../etc/passwd', contentType: 'application/pdf', dataBase64: PDF.toString('base64') }], 'attachments.0.filename', /without slashes/],
      [[{ filename: 'big.pdf', contentType: 'application/pdf', dataBase64: Buffer.concat([PDF, Buffer.alloc(MAX_ATTACHMENT_BYTES)]).toString('base64') }], 'attachments.0.dataBase64', /at most 5242880/],
    ];
    for (const [attachments, field, message] of cases) {
      expect(() => world.tooling.api.addInspection('INS-0042', report({ attachments }), 'qa'), field).toThrow(message);
      try { world.tooling.api.addInspection('INS-0042', report({ attachments }), 'qa'); } catch (error) { expect((error as { field: string }).field).toBe(field); }
    }
    expect(() => world.tooling.api.addInspection('INS-0042', report({ date: '02.03.2026' }), 'qa')).toThrow(/date: "02.03.2026" is not a date/);
    expect(() => world.tooling.api.addInspection('NOPE', report(), 'qa')).toThrow(/no asset "NOPE"/);
    expect(world.tooling.api.inspections('INS-0042')).toEqual([]);
  });

  it('attaches a scan to a certificate, listed on the asset', () => {
    const meta = world.tooling.api.attach('INS-0042', { filename: 'cert.pdf', contentType: 'application/pdf', dataBase64: PDF.toString('base64'), certificate: 'C-3.1-7781' }, 'qa');
    expect(meta).toMatchObject({ assetId: 'INS-0042', certificate: 'C-3.1-7781', inspectionId: null });
    expect(world.tooling.api.asset('INS-0042')!.certificates[0]!.attachmentIds).toEqual([meta.id]);
    expect(() => world.tooling.api.attach('INS-0042', { filename: 'c.pdf', contentType: 'application/pdf', dataBase64: PDF.toString('base64'), certificate: 'C-NONE' }, 'qa')).toThrow(/no certificate "C-NONE"/);
    expect(() => world.tooling.api.putAsset({ id: 'INS-0042', kind: 'insert', serial: 'SN-INS-0042', name: 'x', certificates: [] }, 'qa')).toThrow(/C-3.1-7781 has attachments/);
  });
});
