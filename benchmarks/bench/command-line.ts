// The command line a bench driver records in its provenance: as the user typed it through
// npm (`npm run SCRIPT -- args`) or ran the file with tsx, arguments quoted for a shell.
export function scriptCommandLine(script: string, file: string, argv: readonly string[]): string {
  const quote = (a: string) => (/^[\w@%+=:,./-]+$/.test(a) ? a : `'${a.replace(/'/g, `'\\''`)}'`);
  const viaNpm = process.env.npm_lifecycle_event === script;
  const base = viaNpm ? `npm run ${script}` : `tsx ${file}`;
  return argv.length === 0 ? base : `${base}${viaNpm ? ' --' : ''} ${argv.map(quote).join(' ')}`;
}
