/** On-disk size of a SQLite database in WAL mode: the main file plus its -wal and -shm files. */
import { statSync } from 'node:fs';

export interface SqliteFileBytes {
  mainBytes: number;
  walBytes: number;
  shmBytes: number;
  totalBytes: number;
}

export function sqliteFileBytes(path: string): SqliteFileBytes {
  const size = (file: string) => {
    try {
      return statSync(file).size;
    } catch {
      return 0; // -wal and -shm exist only while a connection has the database open
    }
  };
  const mainBytes = size(path);
  const walBytes = size(`${path}-wal`);
  const shmBytes = size(`${path}-shm`);
  return { mainBytes, walBytes, shmBytes, totalBytes: mainBytes + walBytes + shmBytes };
}
