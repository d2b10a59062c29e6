/**
 * `npm run bench -- --quick` still runs end to end (ceilings, both stores, scale seeding, bundles)
 * and writes a report of the documented shape. Timing is not checked: CI machines vary.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import type { BenchReport } from '../../bench/report.ts';

const ROOT = new URL('../..', import.meta.url).pathname;
const out = mkdtempSync(join(tmpdir(), 'keyledger-bench-test-'));
after(() => rmSync(out, { recursive: true, force: true }));

void test('npm run bench -- --quick writes a complete JSON and markdown report', { timeout: 600_000 }, () => {
  const run = spawnSync(process.execPath, ['--import', 'tsx', 'bench/run.ts', '--quick', '--out', out], {
    cwd: ROOT,
    encoding: 'utf8',
    timeout: 590_000,
  });
  assert.equal(run.status, 0, `${run.stdout}\n${run.stderr}`);
  const report = JSON.parse(readFileSync(join(out, 'latest.json'), 'utf8')) as BenchReport;
  assert.equal(report.schema, 'keyledger-bench/1');
  assert.equal(report.quick, true);
  assert.match(report.commit.sha, /^([0-9a-f]{40}|unknown)$/);
  assert.ok(report.machine.cores >= 1 && report.machine.cpuModel && report.machine.node.startsWith('v'));

  assert.deepEqual([...new Set(report.ceilings.http.map((c) => c.ceiling))].sort(), ['a', 'b-async', 'b-sync']);
  for (const value of Object.values(report.ceilings.loops)) assert.equal(typeof value, 'number');

  assert.deepEqual(
    report.modes.map((m) => m.store),
    ['sqlite', 'dynamodb'],
  );
  const expected = ['wrap (given DEK)', 'wrap (generated DEK)', 'unwrap', 'rewrap', 'create key', 'rotate'];
  for (const mode of report.modes) {
    assert.deepEqual([...new Set(mode.scenarios.map((s) => s.scenario))], expected);
    assert.equal(mode.scenarios.length, expected.length * report.settings.connections.length);
    for (const s of mode.scenarios) {
      assert.ok(s.ok > 0, `${mode.store} ${s.scenario} @${s.connections} answered no request`);
      for (const field of ['rps', 'p50Ms', 'p99Ms', 'serverRssMaxMB', 'serverCpuPct'] as const)
        assert.equal(typeof s[field], 'number');
      // Every request of these waits for its audit record's fsync of the SQLite log, which /metrics counts.
      if (mode.store === 'sqlite')
        assert.ok((s.logSync?.count ?? 0) > 0, `${s.scenario} @${s.connections}: log fsyncs`);
      else assert.equal(s.logSync, null, 'no SQLite log behind the DynamoDB store');
      if (s.scenario.startsWith('wrap') || s.scenario === 'unwrap' || s.scenario === 'rewrap') {
        assert.equal(s.ceiling, 'b');
        assert.equal(s.ceilingPaired, true);
        assert.equal(typeof s.ratio, 'number');
      }
      const target =
        (s.scenario === 'wrap (given DEK)' || s.scenario === 'unwrap') &&
        s.connections === Math.max(...report.settings.connections);
      assert.equal(
        s.runs?.length ?? 1,
        target ? report.settings.repeats : 1,
        `${mode.store} ${s.scenario} @${s.connections}: runs`,
      );
      if (s.runs)
        assert.ok(
          s.runs.some((run) => run.ratio === s.ratio),
          'the row is one of its runs',
        );
    }
    // One key rotated 25 times: past the ten versions its state keeps, so unwrap and listing read the index.
    assert.equal(mode.history?.rotations, 25, `${mode.store}: the long-history run`);
    assert.equal(mode.history.afterRestart.listPages, 1);
    assert.ok(mode.history.keyHeadBytes > 0 && mode.history.largestEventBytes > 0);
    if (mode.store === 'sqlite') {
      assert.equal(mode.sealEveryCommit?.scenario, 'wrap (given DEK)', 'the seal interval 0 row');
      assert.ok((mode.sealEveryCommit?.ok ?? 0) > 0);
    }
    assert.ok(mode.scale, `${mode.store} has a scale run`);
    assert.equal(mode.scale.keys, report.settings.scaleKeys[mode.store]);
    assert.deepEqual(
      [...new Set(mode.scale.scenarios.map((s) => s.scenario))],
      [
        'wrap (given DEK)',
        'unwrap',
        'list keys (limit=200)',
        'list sort=-lastUpdateDate',
        'list sort=-creationDate,state',
        'list sort=state,-creationDate',
        'list filter creationDate, lastRotateDate=none',
        'list filter matching no key',
        'list search in a key ring',
        'list search by key id (lookup)',
      ],
    );
    for (const s of mode.scale.scenarios)
      assert.ok(s.ok > 0 && s.non2xx === 0, `${mode.store} ${s.scenario}: ${s.ok} answered, ${s.non2xx} not 2xx`);
    assert.ok(mode.scale.listingKeys >= mode.scale.keys);
    assert.ok(mode.startup.firstRequestMs > 0 && mode.scale.seed.createS > 0);
  }

  assert.equal(report.profile?.scenario, 'wrap (given DEK)');
  assert.ok((report.profile?.parts.length ?? 0) > 0, 'the profile names where the time goes');
  assert.ok(report.bundles.length >= 4, 'every Lambda entry is bundled');
  for (const b of report.bundles) assert.ok(b.bytes > 0 && b.gzipBytes > 0, b.entry);
  assert.ok(report.targets.length > 0);
  const markdown = readFileSync(join(out, 'latest.md'), 'utf8');
  assert.match(markdown, /\| store \| scenario \| conns \| req\/s/);
  assert.match(markdown, /\| sqlite, \d+ keys, seal interval 0 \| wrap \(given DEK\) \|/);
  assert.match(markdown, /## Where the time goes: wrap \(given DEK\)/);
});
