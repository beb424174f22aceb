/** The `edgestock` CLI: the one place that knows every part (DESIGN.md layout). */
import { Command, InvalidArgumentError, Option } from 'commander';
import { certsListCommand, certsTrustCommand } from './commands/certs.ts';
import { cloudCommand } from './commands/cloud.ts';
import { configCheckCommand, configSchemaCommand } from './commands/config.ts';
import { demoCommand } from './commands/demo.ts';
import { registerForecastCommand } from './forecast-command.ts';
import { gatewayCommand } from './commands/gateway.ts';
import { rulesCompileCommand, rulesTestCommand } from './commands/rules.ts';
import { simulateModbusCommand } from './commands/simulate-modbus.ts';
import { simulateOpcuaCommand } from './commands/simulate-opcua.ts';
import { simulateS7Command } from './commands/simulate-s7.ts';
import { simulateScannersCommand } from './commands/simulate-scanners.ts';

function portNumber(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw new InvalidArgumentError(`"${value}" is not a TCP port; expected 0..65535`);
  return n;
}
function positiveInt(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n <= 0) throw new InvalidArgumentError(`"${value}" is not a positive whole number`);
  return n;
}
function nonNegativeNumber(value: string): number {
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n) || n < 0) throw new InvalidArgumentError(`"${value}" is not a number >= 0`);
  return n;
}
const portOption = (flags: string, description: string, env: string, fallback: number) =>
  new Option(flags, description).env(env).argParser(portNumber).default(fallback);

const program = new Command('edgestock')
  .description('Industrial edge gateway and supply-chain core')
  .showHelpAfterError();

program.command('demo')
  .description('run the demo plant: cloud (embedded broker, SQLite, admin UI), Modbus, S7 and OPC UA simulators, a gateway and three PDA scanners')
  .addOption(portOption('--http-port <port>', 'admin UI / API port', 'EDGESTOCK_HTTP_PORT', 8080))
  .addOption(portOption('--mqtt-port <port>', 'embedded MQTT broker port', 'EDGESTOCK_MQTT_PORT', 1883))
  .addOption(portOption('--modbus-port <port>', 'Modbus simulator port', 'EDGESTOCK_MODBUS_PORT', 5020))
  .addOption(portOption('--s7-port <port>', 'S7 PLC simulator port', 'EDGESTOCK_S7_PORT', 10102))
  .addOption(portOption('--opcua-port <port>', 'OPC UA weld-cell simulator port', 'EDGESTOCK_OPCUA_PORT', 4840))
  .addOption(portOption('--gateway-http-port <port>', 'gateway /health and /metrics port', 'EDGESTOCK_GATEWAY_HTTP_PORT', 8081))
  .addOption(portOption('--device-mqtt-port <port>', "gateway's device broker port (PDAs, MQTT shelf sensors)", 'EDGESTOCK_DEVICE_MQTT_PORT', 1884))
  .addOption(new Option('--data-dir <dir>', 'where the cloud store and the gateway outbox live').env('EDGESTOCK_DATA_DIR').default('./data'))
  .addOption(new Option('--scenario <name>', 'simulator scenario').choices(['normal', 'replay']).default('normal'))
  .action(demoCommand);

program.command('gateway')
  .description('run an edge gateway from a site config')
  .requiredOption('--config <file>', 'site config (YAML)')
  .action(gatewayCommand);

program.command('cloud')
  .description('run the cloud core from a cloud config')
  .requiredOption('--config <file>', 'cloud config (YAML)')
  .action(cloudCommand);

const simulate = program.command('simulate').description('run equipment simulators');
simulate.command('modbus')
  .description('cold-room shelf sensors on Modbus TCP (register map in README.md)')
  .option('--host <host>', 'address to bind', '127.0.0.1')
  .addOption(portOption('--port <port>', 'TCP port', 'EDGESTOCK_MODBUS_PORT', 5020))
  .option('--unit-id <id>', 'Modbus unit id', positiveInt, 1)
  .option('--step-ms <ms>', 'scenario step', positiveInt, 1000)
  .addOption(new Option('--scenario <name>', 'normal: modelled cold room; replay: real mote readings').choices(['normal', 'replay']).default('normal'))
  .action(simulateModbusCommand);
simulate.command('s7')
  .description('press-hall S7 PLC on ISO-on-TCP: molding machines (DB1) and furnace (DB2), map in simulators/s7/DB-MAP.md')
  .option('--host <host>', 'address to bind', '127.0.0.1')
  .addOption(portOption('--port <port>', 'TCP port (a real PLC uses 102)', 'EDGESTOCK_S7_PORT', 10102))
  .option('--step-ms <ms>', 'scenario step', positiveInt, 1000)
  .action(simulateS7Command);
simulate.command('opcua')
  .description('spot-weld cell on OPC UA: guns G1-G3 under Objects/WeldCell, address space in simulators/opcua/ADDRESS-SPACE.md')
  .option('--host <host>', 'address to bind, also named in the endpoint URL', '127.0.0.1')
  .addOption(portOption('--port <port>', 'TCP port (OPC UA servers usually use 4840)', 'EDGESTOCK_OPCUA_PORT', 4840))
  .option('--step-ms <ms>', 'scenario step: one weld per gun', positiveInt, 1000)
  .option('--pki-dir <dir>', 'the server certificate store (kept, so clients see the same certificate)', './data/opcua-sim/pki')
  .action(simulateOpcuaCommand);
simulate.command('scanners')
  .description("a fleet of PDAs scanning against a gateway's device broker and reacting to its decisions (simulators/scanner); a summary every 10 s")
  .option('--url <url>', "the gateway's device broker", 'mqtt://127.0.0.1:1884')
  .requiredOption('--devices <list>', 'PDAs as id:password:operator, comma-separated, e.g. pda-01:pda-01-demo:op-anna,pda-02:pda-02-demo:op-li')
  .requiredOption('--catalog <file>', 'the site master data (*.master-data.yaml): items, lots, locations, stock, operators')
  .option('--rate <scans/s>', 'mean scans per second each PDA starts', nonNegativeNumber, 0.5)
  .option('--seed <n>', 'seed of the scan streams', positiveInt, 1)
  .option('--summary-every-s <s>', 'seconds between summary lines', positiveInt, 10)
  .action(simulateScannersCommand);

const config = program.command('config').description('check config files and print their JSON Schema');
config.command('check <file>')
  .description('validate a config file; lists every problem and exits 2 if there is any')
  .addOption(new Option('--kind <kind>', 'which config').choices(['site', 'cloud']).default('site'))
  .action(configCheckCommand);
config.command('schema <kind>').description('print the JSON Schema of "site" or "cloud" config').action(configSchemaCommand);

const rules = program.command('rules').description('process rules in controlled English or Chinese (docs/rule-language.md)');
rules.command('compile <file>')
  .description('compile a rule pack (*.rules.yaml, or a text file of one rule per line with --glossary); problems print as file:line:col: message, exit 1')
  .addOption(new Option('--target <target>', 'st: IEC 61131-3 FUNCTION_BLOCKs; js: the evaluator plan; ast: the AST as JSON; text: canonical English and Chinese').choices(['st', 'js', 'ast', 'text']).default('text'))
  .option('--glossary <file>', 'glossary (YAML) instead of the one the pack names')
  .action(rulesCompileCommand);
rules.command('test <file>')
  .description("run a rule pack's examples; exit 1 if any fails")
  .option('--glossary <file>', 'glossary (YAML) instead of the one the pack names')
  .action(rulesTestCommand);

const certs = program.command('certs').description("the gateway's OPC UA certificate store (<gateway.dataDir>/pki)");
certs.command('list')
  .description('list trusted server certificates and the rejected ones waiting for a decision')
  .requiredOption('--config <file>', 'site config (YAML): where the gateway keeps its data')
  .action(certsListCommand);
certs.command('trust <thumbprint>')
  .description('trust a rejected server certificate (exit 2 if none has that thumbprint); a running gateway uses it at its next connect attempt')
  .requiredOption('--config <file>', 'site config (YAML): where the gateway keeps its data')
  .action(certsTrustCommand);

registerForecastCommand(program);

await program.parseAsync();
