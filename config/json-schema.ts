/** JSON Schema of each config file, for editors and for `edgestock config schema`. */
import { z } from 'zod';
import { siteConfigSchema } from './site-schema.ts';
import { cloudConfigSchema } from './cloud-schema.ts';

const schemas = { site: siteConfigSchema, cloud: cloudConfigSchema } as const;
export type SchemaName = keyof typeof schemas;
export const schemaNames = Object.keys(schemas) as SchemaName[];

export function configJsonSchema(which: SchemaName): object {
  return z.toJSONSchema(schemas[which], { io: 'input', unrepresentable: 'any' });
}
