/** The size of a file in bytes, 0 when it does not exist (yet) or cannot be read: where a tail starts. */
import * as fs from 'node:fs';

export function fileSize(p: string): number {
  try {
    return fs.statSync(p).size;
  } catch {
    return 0;
  }
}
