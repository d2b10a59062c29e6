/** Request metrics: the Prometheus rendering, and the CloudWatch EMF lines Powertools writes on Lambda. */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { describe, it } from 'node:test';
import { observeLogSync, observeRequest, renderPrometheus } from '../../../functions/shared/request-metrics.ts';

const ROOT = new URL('../../..', import.meta.url).pathname;

void describe('request metrics', () => {
  void it('renders counters and a cumulative latency histogram by operation and outcome', () => {
    observeRequest('unitOp', 'success', 0.003);
    observeRequest('unitOp', 'success', 0.2);
    observeRequest('unitOp', 'denied', 0.0005);
    const text = renderPrometheus();
    assert.match(text, /^keyledger_requests_total\{operation="unitOp",outcome="success"\} 2$/m);
    assert.match(text, /^keyledger_requests_total\{operation="unitOp",outcome="denied"\} 1$/m);
    assert.match(
      text,
      /^keyledger_request_duration_seconds_bucket\{operation="unitOp",outcome="success",le="0.005"\} 1$/m,
    );
    assert.match(
      text,
      /^keyledger_request_duration_seconds_bucket\{operation="unitOp",outcome="success",le="0.25"\} 2$/m,
    );
    assert.match(
      text,
      /^keyledger_request_duration_seconds_bucket\{operation="unitOp",outcome="success",le="\+Inf"\} 2$/m,
    );
    assert.match(text, /^keyledger_request_duration_seconds_count\{operation="unitOp",outcome="denied"\} 1$/m);
  });

  void it('counts a latency equal to a bound in that bound, and one above every bound only in +Inf', () => {
    observeRequest('edgeOp', 'success', 0.001);
    observeRequest('edgeOp', 'success', 20);
    const text = renderPrometheus();
    const bucket = (le: string) =>
      new RegExp(
        `^keyledger_request_duration_seconds_bucket\\{operation="edgeOp",outcome="success",le="${le}"\\} (\\d+)$`,
        'm',
      ).exec(text)?.[1];
    assert.equal(bucket('0.001'), '1');
    assert.equal(bucket('10'), '1');
    assert.equal(bucket('\\+Inf'), '2');
  });

  void it('renders the waits for the SQLite log fsync once there are any, as a histogram without labels', () => {
    assert.doesNotMatch(renderPrometheus(), /keyledger_sqlite_log_sync/, 'nothing before the first (DynamoDB mode)');
    observeLogSync(0.0002);
    observeLogSync(0.004);
    observeLogSync(0.3);
    const text = renderPrometheus();
    assert.match(text, /^# TYPE keyledger_sqlite_log_sync_seconds histogram$/m);
    assert.match(text, /^keyledger_sqlite_log_sync_seconds_bucket\{le="0.001"\} 1$/m);
    assert.match(text, /^keyledger_sqlite_log_sync_seconds_bucket\{le="0.005"\} 2$/m);
    assert.match(text, /^keyledger_sqlite_log_sync_seconds_bucket\{le="0.25"\} 2$/m);
    assert.match(text, /^keyledger_sqlite_log_sync_seconds_bucket\{le="\+Inf"\} 3$/m);
    const sum = Number(/^keyledger_sqlite_log_sync_seconds_sum (\S+)$/m.exec(text)?.[1]);
    assert.ok(Math.abs(sum - 0.3042) < 1e-9, `sum ${sum}`);
    assert.match(text, /^keyledger_sqlite_log_sync_seconds_count 3$/m);
  });

  void it('emits EMF with operation and outcome dimensions on Lambda', async () => {
    const script =
      "const m = await import('./functions/shared/request-metrics.ts'); m.observeRequest('wrapKey', 'success', 0.012);";
    const { stdout } = await promisify(execFile)(
      process.execPath,
      ['--import', 'tsx', '--input-type=module', '-e', script],
      {
        cwd: ROOT,
        env: { ...process.env, AWS_LAMBDA_FUNCTION_NAME: 'keyledger-test', POWERTOOLS_DEV: 'false' },
      },
    );
    const line = stdout.split('\n').find((l) => l.includes('"_aws"'));
    assert.ok(line, stdout);
    const emf = JSON.parse(line) as {
      _aws: { CloudWatchMetrics: { Namespace: string; Dimensions: string[][]; Metrics: { Name: string }[] }[] };
      operation: string;
      outcome: string;
      Requests: number;
      Latency: number;
    };
    const directive = emf._aws.CloudWatchMetrics[0];
    assert.equal(directive?.Namespace, 'keyledger');
    assert.ok(directive?.Dimensions.some((d) => d.includes('operation') && d.includes('outcome')));
    assert.deepEqual(directive?.Metrics.map((m) => m.Name).sort(), ['Latency', 'Requests']);
    assert.equal(emf.operation, 'wrapKey');
    assert.equal(emf.outcome, 'success');
    assert.equal(emf.Requests, 1);
    assert.equal(emf.Latency, 12);
  });
});
