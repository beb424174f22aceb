/**
 * JSON Schemas of the scan protocol (docs/scan-protocol.md) for device makers and plant engineers:
 * generated from the zod schemas of scan-protocol.ts, the one definition, and committed as
 * `devices/schemas/{scan,decision,reading}.schema.json` (scan-protocol-json-schema.test.ts keeps
 * them equal). After changing scan-protocol.ts, write them again with
 *   npx tsx devices/scan-protocol-json-schema.ts
 * Schemas are of the input side: what a valid message may look like on the wire. A scan or a
 * reading is strict (the gateway refuses unknown fields); a decision is open, so a device keeps
 * working when the gateway adds a field.
 */
import { writeFileSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { z } from 'zod';
import { decisionSchema, readingSchema, scanSchema } from './scan-protocol.ts';

export const scanProtocolSchemaNames = ['scan', 'decision', 'reading'] as const;
export type ScanProtocolSchemaName = (typeof scanProtocolSchemaNames)[number];

const sources: Record<ScanProtocolSchemaName, { schema: z.ZodType; title: string; description: string }> = {
  scan: {
    schema: scanSchema,
    title: 'edgestock scan',
    description: 'Published by a scanner on devices/{deviceId}/scan (QoS 1). A repeated scanId gets the first decision again.',
  },
  decision: {
    schema: decisionSchema,
    title: 'edgestock scan decision',
    description: "The gateway's answer on devices/{deviceId}/decision (QoS 1): verdict, reasons, a prompt in English and Chinese, and the signal to give.",
  },
  reading: {
    schema: readingSchema,
    title: 'edgestock shelf sensor reading',
    description: 'Published by a shelf sensor on devices/{deviceId}/reading: values by measurement name, e.g. {"temperature": 5.1, "humidity": 61}.',
  },
};

/** The JSON Schema (draft 2020-12) of one message. */
export function scanProtocolJsonSchema(name: ScanProtocolSchemaName): Record<string, unknown> {
  const { schema, title, description } = sources[name];
  const { $schema, ...body } = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as Record<string, unknown>;
  return { $schema, $id: `urn:edgestock:scan-protocol:${name}`, title, description, ...body };
}

/** Every message's JSON Schema, by name. */
export function scanProtocolJsonSchemas(): Record<ScanProtocolSchemaName, Record<string, unknown>> {
  return { scan: scanProtocolJsonSchema('scan'), decision: scanProtocolJsonSchema('decision'), reading: scanProtocolJsonSchema('reading') };
}

/** Where a schema is committed. */
export function scanProtocolSchemaPath(name: ScanProtocolSchemaName): string {
  return fileURLToPath(new URL(`./schemas/${name}.schema.json`, import.meta.url));
}

/** The committed text of a schema: 2-space JSON and a trailing newline. */
export function scanProtocolSchemaText(name: ScanProtocolSchemaName): string {
  return `${JSON.stringify(scanProtocolJsonSchema(name), null, 2)}\n`;
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  for (const name of scanProtocolSchemaNames) {
    writeFileSync(scanProtocolSchemaPath(name), scanProtocolSchemaText(name));
    console.log(`wrote ${scanProtocolSchemaPath(name)}`);
  }
}
