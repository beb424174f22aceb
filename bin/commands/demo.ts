/**
 * `edgestock demo`: the demo plant on embedded defaults. The cloud (embedded broker, SQLite,
 * admin UI), the Modbus shelf simulator, the S7 press-hall PLC simulator, the OPC UA weld-cell
 * simulator, one gateway and a fleet of three PDA scanners (on the gateway's device broker) run as
 * separate processes, as they would in production, and stop together on Ctrl-C / SIGTERM. Each simulator is its own process: node-snap7 allows one
 * S7Server per process, and a plant's OPC UA server is a machine of its own too.
 */
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startChildPart, type ChildPart } from '../support/child-part.ts';

export interface DemoOptions {
  httpPort: number;
  mqttPort: number;
  modbusPort: number;
  s7Port: number;
  opcuaPort: number;
  gatewayHttpPort: number;
  deviceMqttPort: number;
  dataDir: string;
  scenario: 'normal' | 'replay';
}

const examples = fileURLToPath(new URL('../../config/examples/', import.meta.url));

/** The demo's PDAs (devices and operators of demo-plant.master-data.yaml) and how often each scans. */
const demoScanners = ['pda-01:pda-01-demo:op-anna', 'pda-02:pda-02-demo:op-li', 'pda-03:pda-03-demo:op-chen'];
const demoScansPerSecondPerDevice = 0.3;

export async function demoCommand(opts: DemoOptions): Promise<void> {
  const print = (line: string) => process.stdout.write(`${line}\n`);
  const dataDir = resolve(opts.dataDir);
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    EDGESTOCK_HTTP_PORT: String(opts.httpPort),
    EDGESTOCK_MQTT_PORT: String(opts.mqttPort),
    EDGESTOCK_MODBUS_PORT: String(opts.modbusPort),
    EDGESTOCK_S7_PORT: String(opts.s7Port),
    EDGESTOCK_OPCUA_PORT: String(opts.opcuaPort),
    EDGESTOCK_GATEWAY_HTTP_PORT: String(opts.gatewayHttpPort),
    EDGESTOCK_DEVICE_MQTT_PORT: String(opts.deviceMqttPort),
    EDGESTOCK_CLOUD_DATA_DIR: resolve(dataDir, 'cloud'),
    EDGESTOCK_GATEWAY_DATA_DIR: resolve(dataDir, 'gw-cold-room-1'),
  };
  const adminUrl = `http://127.0.0.1:${opts.httpPort}`;
  const parts: ChildPart[] = [];
  let stopping = false;
  const stopAll = async (code: number) => {
    if (stopping) return;
    stopping = true;
    print('demo: stopping gateway, simulators and cloud ...');
    // Gateway first so it can flush; the cloud last so it receives what the gateway flushed.
    for (const part of [...parts].reverse()) await part.stop();
    print('demo: stopped');
    process.exit(code);
  };
  process.on('SIGINT', () => void stopAll(0));
  process.on('SIGTERM', () => void stopAll(0));
  const start = (name: string, args: string[]) => {
    const part = startChildPart(name, args, env, print);
    parts.push(part);
    void part.exited.then((code) => {
      if (!stopping) {
        print(`demo: ${name} exited unexpectedly (code ${code}); stopping the demo`);
        void stopAll(1);
      }
    });
    return part;
  };

  print(`demo: data in ${dataDir}`);
  const cloud = start('cloud', ['cloud', '--config', resolve(examples, 'cloud.yaml')]);
  await waitForHttp(`${adminUrl}/api/health`, cloud, 60_000);
  start('simulator', ['simulate', 'modbus', '--port', String(opts.modbusPort), '--scenario', opts.scenario]);
  start('s7-sim', ['simulate', 's7', '--port', String(opts.s7Port)]);
  // Its own certificate store, kept with the demo's data so a restart serves the same certificate.
  start('opcua-sim', ['simulate', 'opcua', '--port', String(opts.opcuaPort), '--pki-dir', resolve(dataDir, 'opcua-sim', 'pki')]);
  const gateway = start('gateway', ['gateway', '--config', resolve(examples, 'demo-plant.yaml')]);
  await waitForHttp(`http://127.0.0.1:${opts.gatewayHttpPort}/health`, gateway, 60_000);
  const deviceBroker = `mqtt://127.0.0.1:${opts.deviceMqttPort}`;
  start('scanners', [
    'simulate', 'scanners', '--url', deviceBroker, '--devices', demoScanners.join(','),
    '--catalog', resolve(examples, 'demo-plant.master-data.yaml'), '--rate', String(demoScansPerSecondPerDevice),
  ]);
  print('');
  print(`  edgestock demo plant is running`);
  print(`  Admin UI:        ${adminUrl}   (cold room 1: shelves B10-B17, live temperatures; press hall; weld cell)`);
  print(`  Log in as:       engineer / engineer-demo   (every demo user and role: README.md)`);
  print(`  Cloud API:       ${adminUrl}/api/telemetry/latest`);
  print(`  Gateway health:  http://127.0.0.1:${opts.gatewayHttpPort}/health  metrics: /metrics`);
  print(`  MQTT (embedded): mqtt://127.0.0.1:${opts.mqttPort}   Modbus simulator: 127.0.0.1:${opts.modbusPort}   S7 PLC simulator: 127.0.0.1:${opts.s7Port}`);
  print(`  Device broker:   ${deviceBroker}   (scanners log in as pda-01 / pda-01-demo; pda-02, pda-03 alike)`);
  print(`  Scanners:        pda-01 (op-anna), pda-02 (op-li), pda-03 (op-chen), ~${demoScansPerSecondPerDevice} scans/s each (scanner simulator)`);
  print(`  OPC UA server:   opc.tcp://127.0.0.1:${opts.opcuaPort}/edgestock/weld-cell   (weld-cell simulator)`);
  print(`  Ctrl-C stops everything.`);
  print('');
}

/** Waits until the part answers on its HTTP port; gives up if the part exits first. */
async function waitForHttp(url: string, part: ChildPart, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let exited = false;
  void part.exited.then(() => { exited = true; });
  for (;;) {
    if (exited) return new Promise(() => {}); // the exit handler stops the demo and says why
    try {
      const res = await fetch(url);
      if (res.ok) return;
    } catch {
      // not up yet
    }
    if (Date.now() > deadline) throw new Error(`${url} did not answer within ${timeoutMs / 1000} s`);
    await new Promise((r) => setTimeout(r, 250));
  }
}
