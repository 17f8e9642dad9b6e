/**
 * Policy unit tests in the style of promtool's rule tests ({@code skippy policy test FILE...}): a
 * test file names the policy files it tests and a list of cases; each case describes a small
 * cluster (pods, input series, events, pod changes) and the HealingActions the job must emit for
 * it, exactly.
 *
 * <pre>{@code
 * policies: [../crash-loop.yaml]          # paths relative to this file
 * tests:
 *   - name: three BackOffs within 5m delete the pod
 *     interval: 15s                       # between two values of a series; default 15s
 *     pods:
 *       - name: cart-1
 *         namespace: shop                 # default: default
 *         deployment: cart                # owner (through a ReplicaSet); omit for a bare pod
 *         started: -1h                    # default 0s; also labels, phase, conditions
 *         containers:                     # default: one container named app
 *           - {name: app, limits: {memory: 512Mi, cpu: 500m}, restarts: 0}
 *     inputSeries:
 *       - series: 'container_memory_working_set_bytes{namespace="shop",pod="cart-1",container="app"}'
 *         values: '100e6+1e6x40 _x2 stale'  # or a list of segments
 *     events:
 *       - {pod: cart-1, reason: BackOff, type: Warning, at: 1m}
 *     podChanges:
 *       - {pod: cart-1, at: 4m, restart: OOMKilled}   # or waiting:, limits:, deleted: true
 *     actions:                            # exactly these; [] for none at all
 *       - {policy: crash-loop, target: Pod/shop/cart-1, action: delete-pod, after: 3m, before: 5m}
 * }</pre>
 *
 * <p>Time: every offset ({@code at}, {@code started}, {@code after}, {@code before}) counts from
 * {@link io.kubeskippy.job.policytest.PolicyTests#START} (2026-11-22T10:00:00Z); value {@code i} of
 * a series is taken at {@code i * interval}. Values are in Prometheus' expanding notation, exactly
 * as promtool reads it ({@link io.kubeskippy.job.policytest.SeriesNotation}); as an extension,
 * {@code values} may be a list of segments, read as if joined by spaces. {@code _}, {@code stale},
 * NaN and infinities give no sample, as ingest drops them.
 *
 * <p>Expected actions: policy, target ({@code Kind/namespace/name}) and action name must match;
 * {@code at} asks for that exact {@code spec.detection.detectedAt}, {@code after}/{@code before}
 * for {@code after <= detectedAt < before}; {@code dryRun} and {@code approvalRequired}, when
 * given, must match. A case passes when every expected action is matched by its own emitted action
 * and no emitted action is left over ({@link io.kubeskippy.job.policytest.ActionMatcher}).
 *
 * <p>Reading ({@link io.kubeskippy.job.policytest.PolicyTestReader}) is strict like the policy
 * reader's: unknown keys, unreadable values, pods that events name but the case does not declare,
 * and expected policies or actions the policy files do not define are errors with their {@code
 * file:line: path}, all reported at once. Running ({@link
 * io.kubeskippy.job.policytest.PolicyTestRunner}): each case's input is built as {@code skippy
 * replay} would read it from files ({@link io.kubeskippy.job.policytest.CaseInput}) and replayed
 * through the job graph ({@link io.kubeskippy.job.replay.Replay}) with default job settings; all
 * cases of a run share one local cluster ({@link io.kubeskippy.job.policytest.PolicyTestCluster}).
 */
package io.kubeskippy.job.policytest;
