/** A configuration problem at one path, with what to do about it. */
export interface ConfigProblem {
  /** e.g. `connectors[0].tags[3].address` */
  path: string;
  message: string;
}

/** Thrown by the loader with every problem found, never just the first. */
export class ConfigError extends Error {
  readonly problems: readonly ConfigProblem[];
  readonly file: string;
  constructor(file: string, problems: ConfigProblem[]) {
    super(`${file}: ${problems.length} configuration problem${problems.length === 1 ? '' : 's'}:\n` +
      problems.map((p) => `  ${p.path || '(root)'}: ${p.message}`).join('\n'));
    this.name = 'ConfigError';
    this.file = file;
    this.problems = problems;
  }
}

/** Formats a path array as `a.b[3].c`. */
export function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const key of path) {
    if (typeof key === 'number') out += `[${key}]`;
    else out += out ? `.${String(key)}` : String(key);
  }
  return out;
}
