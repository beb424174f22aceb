/** What a new password must be. Length over composition rules (NIST SP 800-63B §5.1.1.2). */
import { MAX_PASSWORD_LENGTH } from './password-hash.ts';

export const MIN_PASSWORD_LENGTH = 12;

/** Why `password` is refused for `username`, or undefined when it is acceptable. */
export function passwordProblem(password: string, username: string): string | undefined {
  if (password.length < MIN_PASSWORD_LENGTH) return `is too short; use at least ${MIN_PASSWORD_LENGTH} characters (a passphrase works well)`;
  if (password.length > MAX_PASSWORD_LENGTH) return `is too long; use at most ${MAX_PASSWORD_LENGTH} characters`;
  if (password.toLowerCase().includes(username.toLowerCase())) return 'contains the username; choose something unrelated to it';
  if (new Set(password).size < 4) return 'repeats too few characters; choose something less predictable';
  return undefined;
}
