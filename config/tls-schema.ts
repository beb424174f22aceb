/**
 * TLS settings as file paths (PEM). A file that cannot be read is a config problem at load time,
 * reported with the others; config/read-tls-files.ts reads them when a part starts.
 */
import { accessSync, constants } from 'node:fs';
import { z } from 'zod';

export const pemFile = z.string().min(1).superRefine((path, ctx) => {
  try {
    accessSync(path, constants.R_OK);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? String(error);
    ctx.addIssue({ code: 'custom', message: `cannot read ${path} (${code}); check the path and that this user may read it`, params: { verbatim: true } });
  }
});

/** A TLS server: its certificate (chain) and private key. */
export const serverTlsSchema = z.strictObject({
  certFile: pemFile,
  keyFile: pemFile,
});
export type ServerTlsConfig = z.infer<typeof serverTlsSchema>;

/** A TLS client: whom it trusts and, for brokers that want client certificates, who it is. */
export const clientTlsSchema = z.strictObject({
  /** CA certificate(s) that signed the server's certificate; omitted: the system's CAs. */
  caFile: pemFile.optional(),
  /** Client certificate and key, for brokers that authenticate clients by certificate. */
  certFile: pemFile.optional(),
  keyFile: pemFile.optional(),
  /** Check the server's certificate and host name. Turn off only to diagnose, never in production. */
  rejectUnauthorized: z.boolean().default(true),
}).refine((tls) => (tls.certFile === undefined) === (tls.keyFile === undefined), {
  message: 'give certFile and keyFile together (a client certificate needs its key)',
  params: { verbatim: true },
});
export type ClientTlsConfig = z.infer<typeof clientTlsSchema>;
