/** The source languages promote reads and writes, told by file name. */

export type SourceLang = 'python' | 'javascript' | 'typescript' | 'yaml' | 'json';

export function langOf(fileName: string): SourceLang | undefined {
  const m = /\.([A-Za-z0-9]+)$/.exec(fileName);
  if (!m) return undefined;
  switch (m[1].toLowerCase()) {
    case 'py':
    case 'pyw':
    case 'pyi':
      return 'python';
    case 'js':
    case 'mjs':
    case 'cjs':
    case 'jsx':
      return 'javascript';
    case 'ts':
    case 'mts':
    case 'cts':
    case 'tsx':
      return 'typescript';
    case 'yaml':
    case 'yml':
      return 'yaml';
    case 'json':
    case 'jsonc':
    case 'json5':
      return 'json';
    default:
      return undefined;
  }
}
