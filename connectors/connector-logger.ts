/** The pino methods connectors use; a pino logger fits as is. */
export interface ConnectorLogger {
  debug(obj: object, msg?: string): void;
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

export const silentLogger: ConnectorLogger = { debug() {}, info() {}, warn() {}, error() {} };
