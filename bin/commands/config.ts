import { ConfigError } from '../../config/config-error.ts';
import { configJsonSchema, schemaNames, type SchemaName } from '../../config/json-schema.ts';
import { loadCloudConfig, loadSiteConfig } from '../../config/load-config.ts';
import { addressChecks } from '../../connectors/address-checks.ts';
import { validateSiteConfig } from '../../gateway/gateway-daemon.ts';

/** `edgestock config check FILE --kind site|cloud`: every problem, exit 2 if any. */
export function configCheckCommand(file: string, opts: { kind: SchemaName }): void {
  try {
    if (opts.kind === 'cloud') loadCloudConfig(file);
    else {
      const problems = validateSiteConfig(loadSiteConfig(file, process.env, addressChecks));
      if (problems.length > 0) throw new ConfigError(file, problems);
    }
    process.stdout.write(`${file}: ok\n`);
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    process.stderr.write(`${err.message}\n`);
    process.exit(2);
  }
}

export function configSchemaCommand(kind: string): void {
  if (!schemaNames.includes(kind as SchemaName)) {
    process.stderr.write(`unknown schema "${kind}"; expected one of ${schemaNames.join(', ')}\n`);
    process.exit(2);
  }
  process.stdout.write(`${JSON.stringify(configJsonSchema(kind as SchemaName), null, 2)}\n`);
}
