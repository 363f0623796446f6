import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { test } from 'node:test';

// The verb is run as the CLI runs it, in its own process, so its stdout is what a user
// pipes into a mail.
const fixture = (name: string) => new URL(`../charts/fixtures/${name}`, import.meta.url).pathname;
const verb = new URL('../../engine/cli/verbs/report.ts', import.meta.url).href;

function report(args: string[]) {
  const script = `import { reportVerb } from ${JSON.stringify(verb)};
reportVerb.run(${JSON.stringify(args)}).then((c) => { process.exitCode = c; }, (e) => { process.stderr.write(e.name + ': ' + e.message + '\\n'); process.exitCode = 1; });`;
  const r = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { encoding: 'utf8', timeout: 60_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

test('report prints the email form by default', () => {
  const r = report([fixture('minimal-result.json')]);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /^To reproduce \(paste into a shell\):$/m);
  assert.ok(r.stdout.split('\n').every((l) => l.length <= 75));
});

test('report --format csv prints one row per run', () => {
  const r = report([fixture('minimal-result.json'), '--format', 'csv']);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stdout.trimEnd().split('\n').length, 3);
});

test('report refuses an unknown format, a wrong schema and a missing file with one line', () => {
  const cases: [string[], RegExp][] = [
    [[fixture('minimal-result.json'), '--format', 'pdf'], /--format must be one of email, text, markdown, csv, csv-sites, not 'pdf'/],
    [[fixture('wrong-schema-result.json')], /wrong-schema-result\.json: not a bpfexc\/result@2 document: schema is "bpfexc\/result@0"/],
    [[fixture('truncated-result.json')], /truncated-result\.json: not a result document: invalid JSON/],
    [[fixture('absent.json')], /absent\.json: no such result file/],
  ];
  for (const [args, pattern] of cases) {
    const r = report(args);
    assert.equal(r.code, 1);
    assert.equal(r.stdout, '');
    assert.match(r.stderr, /^BpfError: /);
    assert.match(r.stderr, pattern);
    assert.equal(r.stderr.trimEnd().split('\n').length, 1);
  }
});
